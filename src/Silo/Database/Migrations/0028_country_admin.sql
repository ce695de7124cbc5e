-- Country administrators (issue 18): an account of role CountryAdmin belongs to no agency and
-- administers the agencies and users of one country, kept here. The database holds the rule too:
-- a country for a country administrator, and for no one else.
ALTER TABLE users ADD COLUMN country text NULL CHECK (country ~ '^[A-Z]{2}$');
ALTER TABLE users ADD CONSTRAINT users_country_admin_has_country
    CHECK ((country IS NOT NULL) = ('CountryAdmin' = ANY (roles)));
