using Coordination.Contracts.Agencies;

namespace Coordination.Grains.Agencies;

/// <summary>The <c>duty_rotas</c> table: each agency's rota is one JSON document.</summary>
public static class DutyRotaStore
{
    public static readonly AgencyDocumentStore<DutyRota> Rotas = new("duty_rotas", DutyRota.Empty);
}
