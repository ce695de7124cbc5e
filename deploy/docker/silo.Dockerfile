# syntax=docker/dockerfile:1
# The silo image. Build from the repository root:
#   docker build -f deploy/docker/silo.Dockerfile -t coordination/silo:1.0.0 .
# Listens on 8080 (health), 9464 (Prometheus /metrics only), 11111 (silo to silo) and 30000 (gateway for web hosts).
# Runs as the image's non-root user "app"; the key ring belongs on a volume at
# /var/lib/coordination/data-protection-keys. Advertises the container's own address to the
# cluster unless Orleans__AdvertisedAddress is set (Kubernetes sets it to the pod IP).
ARG DOTNET_VERSION=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
WORKDIR /src
# Restore from the project files alone, so this layer is rebuilt only when a dependency changes.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/Grains/Coordination.Contracts/Coordination.Contracts.csproj src/Grains/Coordination.Contracts/
COPY src/Grains/Coordination.Grains/Coordination.Grains.csproj src/Grains/Coordination.Grains/
COPY src/ServiceDefaults/Coordination.ServiceDefaults.csproj src/ServiceDefaults/
COPY src/Silo/Coordination.Silo.csproj src/Silo/
RUN dotnet restore src/Silo/Coordination.Silo.csproj
COPY src/ src/
RUN dotnet publish src/Silo/Coordination.Silo.csproj -c Release --no-restore -o /app -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION} AS final
WORKDIR /app
COPY --from=build /app ./
COPY --chmod=0755 deploy/docker/healthcheck.sh deploy/docker/silo-entrypoint.sh /usr/local/bin/
# E-mail leaves from the silos, by default with STARTTLS on 587 as real SMTP servers take it: set
# Coordination__Smtp__Host, __From, __Username, __Password and Coordination__Notify__DashboardUrl at
# run time (docs/operations.md, "E-mail"); the code's own defaults are the local smtp4dev of deploy/run.sh.
# The Data Protection key ring (it encrypts passport numbers and phones). Mount one volume here,
# shared by every silo and kept: a new empty one makes the stored fields unreadable.
RUN mkdir -p /var/lib/coordination/data-protection-keys && chown "$APP_UID" /var/lib/coordination/data-protection-keys && chmod 0700 /var/lib/coordination/data-protection-keys
ENV ASPNETCORE_HTTP_PORTS="8080;9464" \
    Coordination__Observability__MetricsPort=9464 \
    Coordination__DataProtection__KeyDirectory=/var/lib/coordination/data-protection-keys \
    Orleans__SiloPort=11111 \
    Orleans__GatewayPort=30000 \
    Coordination__Observability__LogFormat=Json \
    Coordination__Smtp__Port=587 \
    Coordination__Smtp__Tls=StartTls \
    DOTNET_ENVIRONMENT=Production \
    ASPNETCORE_ENVIRONMENT=Production
EXPOSE 8080 9464 11111 30000
USER $APP_UID
# Ready = migrations applied, cluster joined, database reachable. The first start waits for
# PostgreSQL and migrates, hence the long start period.
HEALTHCHECK --interval=10s --timeout=6s --start-period=180s --retries=3 CMD ["healthcheck.sh", "/health/ready"]
ENTRYPOINT ["silo-entrypoint.sh"]
