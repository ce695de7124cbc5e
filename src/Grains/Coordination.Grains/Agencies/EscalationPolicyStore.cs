using Coordination.Contracts.Agencies;

namespace Coordination.Grains.Agencies;

/// <summary>The <c>escalation_policies</c> table: each agency's policy is one JSON document.</summary>
public static class EscalationPolicyStore
{
    public static readonly AgencyDocumentStore<EscalationPolicy> Policies = new("escalation_policies", EscalationPolicy.Empty);
}
