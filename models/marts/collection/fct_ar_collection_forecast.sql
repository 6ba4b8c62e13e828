{#- When the open receivables should come in (docs/definitions/08-forward-views.md): every debit
    item open as of the as-of date, for its open amount, by ISO week of its
    expected payment date and forecast line.

    - Expected date: the promised date when the dunning status is
      `payment_promised` with a promised date on or after the as-of date;
      else the due date shifted by the customer's usual delay (amount-weighted
      average days late over the last 365 days, 0 without history), never
      before the as-of date.
    - Line: `uncertain` when a blocking cause (dispute, missing invoice…)
      holds the item, whatever was promised: a block takes precedence over a
      promise, since a disputed invoice is not paid on the promised date.
      Else `promised` when the promised date was used, else `behaviour`.
      Uncertain items stay in the week they would fall in if unblocked.

    The open amount is forecast, not the promised amount, so the forecast
    adds up to the open debit total as of the as-of date (tested). -#}
with

runs as (
    select * from {{ ref('int_ageing__item_state_runs') }}
),

latest_snapshot as (
    select * from {{ ref('int_calendar__snapshot_dates') }}
    where is_latest
),

-- the debit items open on the latest snapshot: the state runs covering it
open_items as (
    select runs.*
    from runs
    inner join latest_snapshot
        on
            runs.first_snapshot_index <= latest_snapshot.snapshot_index
            and (runs.end_snapshot_index is null or runs.end_snapshot_index > latest_snapshot.snapshot_index)
    where runs.item_side = 'debit'
),

behaviour as (
    select * from {{ ref('int_collection__customer_payment_behaviour') }}
),

as_of as (
    select * from {{ ref('int_calendar__as_of') }}
),

classified as (
    select
        open_items.company_code,
        open_items.entry_id,
        open_items.open_amount,
        as_of.as_of_date,
        coalesce(
            open_items.dunning_status = 'payment_promised'
            and open_items.promised_date >= as_of.as_of_date,
            false
        ) as is_promised,
        coalesce(open_items.blocking_cause, 'none') <> 'none' as is_blocked,
        greatest(
            as_of.as_of_date,
            {{ ar_add_days('open_items.due_date', 'coalesce(behaviour.expected_days_late, 0)') }}
        ) as behaviour_date,
        open_items.promised_date
    from open_items
    cross join as_of
    left join behaviour
        on
            open_items.company_code = behaviour.company_code
            and open_items.customer_code = behaviour.customer_code
),

expected as (
    select
        company_code,
        entry_id,
        open_amount,
        as_of_date,
        case
            when is_blocked then 'uncertain'
            when is_promised then 'promised'
            else 'behaviour'
        end as forecast_line,
        case when is_promised then promised_date else behaviour_date end as expected_date
    from classified
),

-- the Monday of the expected date's ISO week
dated as (
    select
        *,
        {{ ar_add_days('expected_date', '1 - ' ~ ar_iso_weekday('expected_date')) }} as expected_week_start
    from expected
),

weekly as (
    select
        company_code,
        expected_week_start,
        forecast_line,
        as_of_date,
        sum(open_amount) as expected_amount,
        count(*) as open_item_count
    from dated
    group by company_code, expected_week_start, forecast_line, as_of_date
),

labels as (
    {%- set forecast_lines = [
        ('promised', 1, 'Paiements promis', 'Promised payments'),
        ('behaviour', 2, 'Selon les habitudes de paiement', 'From payment behaviour'),
        ('uncertain', 3, 'Incertain (bloqué)', 'Uncertain (blocked)'),
    ] %}
    {%- for code, sort_order, label_fr, label_en in forecast_lines %}
    select
        '{{ code }}' as forecast_line,
        {{ sort_order }} as forecast_line_order,
        '{{ label_fr }}' as label_fr,
        '{{ label_en }}' as label_en
    {{ 'union all' if not loop.last }}
    {%- endfor %}
)

select
    cast(weekly.company_code as {{ dbt.type_string() }}) as company_code,
    cast(weekly.expected_week_start as date) as expected_week_start,
    cast(weekly.forecast_line as {{ dbt.type_string() }}) as forecast_line,
    cast(labels.forecast_line_order as integer) as forecast_line_order,
    cast(labels.label_fr as {{ dbt.type_string() }}) as forecast_line_label_fr,
    cast(labels.label_en as {{ dbt.type_string() }}) as forecast_line_label_en,
    cast(weekly.expected_amount as decimal(18, 2)) as expected_amount,
    cast(weekly.open_item_count as integer) as open_item_count,
    cast(weekly.as_of_date as date) as as_of_date
from weekly
inner join labels
    on weekly.forecast_line = labels.forecast_line
order by company_code, expected_week_start, forecast_line
