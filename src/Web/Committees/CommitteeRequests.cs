using Coordination.Contracts.Committees;
using Coordination.Contracts.Common;
using Coordination.Web.Errors;

namespace Coordination.Web.Committees;

public sealed record IndicatorRequest(string? Name, string? Unit, decimal? Baseline, decimal? Target);

public sealed record TaskRequest(string? Title, ActionPlanArea? Area, string? OwnerAgencyId, DateOnly? DueDate, IndicatorRequest? Indicator);

public sealed record TaskUpdateRequest(ActionPlanTaskStatus? Status, decimal? IndicatorValue, string? Note, DateOnly? DueDate, string? OwnerAgencyId = null);

public sealed record MemberRequest(string? AgencyId);

public sealed record MeetingRequest(DateOnly? Date, string? Title, IReadOnlyList<TaskRequest?>? Decisions);

/// <summary>
/// Turns committee requests into commands, or into the full list of what is wrong with them. A task
/// is validated the same way whether it comes alone, as a meeting's decision or as a row of a CSV plan.
/// </summary>
public static class CommitteeRequests
{
    public const int MaxTitleLength = 300;
    public const int MaxDecisions = 100;
    private const decimal MaxMagnitude = 1_000_000_000_000m;

    /// <param name="field">Prefix of error keys, e.g. <c>decisions[2].</c>.</param>
    /// <param name="agencies">Ids of the agencies that exist: an owner must be one of them.</param>
    public static NewActionPlanTask? ToTask(
        this TaskRequest request, RequestErrors errors, IReadOnlySet<string> agencies, string field = "",
        ActionPlanTaskStatus status = ActionPlanTaskStatus.NotStarted, decimal? indicatorValue = null)
    {
        var title = errors.Text($"{field}title", request.Title, MaxTitleLength);
        var area = errors.Required($"{field}area", request.Area);
        var owner = errors.Text($"{field}ownerAgencyId", request.OwnerAgencyId, 64);
        if (owner is not null && !agencies.Contains(owner))
        {
            errors.Add($"{field}ownerAgencyId", $"Agency '{owner}' does not exist.");
        }

        var due = Date(errors, $"{field}dueDate", request.DueDate, required: true);
        Indicator? indicator = null;
        if (request.Indicator is { } i)
        {
            var name = errors.Text($"{field}indicator.name", i.Name, 200);
            var unit = errors.Text($"{field}indicator.unit", i.Unit, 50);
            var baseline = Number(errors, $"{field}indicator.baseline", i.Baseline, required: true);
            var target = Number(errors, $"{field}indicator.target", i.Target, required: true);
            if (name is not null && unit is not null && baseline is not null && target is not null)
            {
                indicator = new Indicator(name, unit, baseline.Value, target.Value);
            }
        }

        Number(errors, $"{field}indicatorValue", indicatorValue, required: false);
        if (indicatorValue is not null && request.Indicator is null)
        {
            errors.Add($"{field}indicatorValue", "A value needs an indicator (name, unit, baseline, target).");
        }

        return title is null || area is null || owner is null || due is null
            ? null
            : new NewActionPlanTask(title, area.Value, owner, due.Value, indicator, status, indicator is null ? null : indicatorValue);
    }

    public static ActionPlanTaskUpdate? ToUpdate(this TaskUpdateRequest request, RequestErrors errors)
    {
        var note = errors.Text("note", request.Note, 2000, required: false);
        var value = Number(errors, "indicatorValue", request.IndicatorValue, required: false);
        var due = Date(errors, "dueDate", request.DueDate, required: false);
        var owner = errors.Text("ownerAgencyId", request.OwnerAgencyId, 64, required: false);
        if (request.Status is null && value is null && note is null && due is null && owner is null && !errors.Any)
        {
            errors.Add("status", "Give at least one of status, indicatorValue, note, dueDate or ownerAgencyId.");
        }

        return errors.Any ? null : new ActionPlanTaskUpdate(request.Status, value, note, due, owner);
    }

    public static NewMeeting? ToMeeting(this MeetingRequest request, RequestErrors errors, IReadOnlySet<string> agencies)
    {
        var date = Date(errors, "date", request.Date, required: true);
        var title = errors.Text("title", request.Title, MaxTitleLength);
        var decisions = errors.List("decisions", request.Decisions, MaxDecisions)
            .Select((d, i) => d.ToTask(errors, agencies, $"decisions[{i}]."))
            .ToList();
        return errors.Any ? null : new NewMeeting(date!.Value, title!, decisions.Select(d => d!).ToList());
    }

    public static DateOnly? Date(RequestErrors errors, string field, DateOnly? value, bool required)
    {
        if (value is null)
        {
            if (required)
            {
                errors.Add(field, "Required.");
            }
        }
        else if (value < Instants.EarliestPlanDate || value > Instants.LatestPlanDate)
        {
            errors.Add(field, $"A date between {Instants.EarliestPlanDate:yyyy-MM-dd} and {Instants.LatestPlanDate:yyyy-MM-dd}.");
        }

        return value;
    }

    public static decimal? Number(RequestErrors errors, string field, decimal? value, bool required)
    {
        if (value is null)
        {
            if (required)
            {
                errors.Add(field, "Required.");
            }
        }
        else if (Math.Abs(value.Value) > MaxMagnitude)
        {
            errors.Add(field, "Too large.");
        }

        return value;
    }
}
