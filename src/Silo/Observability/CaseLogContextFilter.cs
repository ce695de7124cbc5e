using System.Diagnostics;
using Coordination.Contracts.Cases;
using Serilog.Context;

namespace Coordination.Silo.Observability;

/// <summary>
/// Every log event written while a case grain handles a call carries the case id (pseudonymous, as
/// in alerts), so one case's history can be followed across silos without logging personal data.
/// </summary>
internal sealed class CaseLogContextFilter : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.Grain is not ICaseGrain)
        {
            await context.Invoke();
            return;
        }

        var caseId = context.TargetId.Key.ToString();
        Activity.Current?.SetTag("coordination.case_id", caseId);
        using (LogContext.PushProperty("CaseId", caseId))
        {
            await context.Invoke();
        }
    }
}
