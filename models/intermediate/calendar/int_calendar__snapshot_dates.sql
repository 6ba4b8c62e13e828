{#- The weekly snapshot dates (docs/definitions/04-snapshots.md): every `snapshot_weekday` from
    the week of the first posting up to the as-of date, plus the as-of date
    itself. Each snapshot covers the days since the previous one (its "week",
    for flows such as cash receipts). -#}
with

days as (
    select * from {{ ref('int_calendar__days') }}
),

as_of as (
    select * from {{ ref('int_calendar__as_of') }}
),

first_week as (
    select {{ ar_add_days('first_posting_date', '1 - ' ~ ar_iso_weekday('first_posting_date')) }} as week_start_date
    from as_of
),

snapshot_dates as (
    select
        days.date_day as snapshot_date,
        days.is_as_of_date,
        days.iso_weekday = {{ var('snapshot_weekday') }} as is_weekly_date
    from days
    cross join first_week
    where
        days.date_day >= first_week.week_start_date
        and days.is_past_or_as_of
        and (days.iso_weekday = {{ var('snapshot_weekday') }} or days.is_as_of_date)
),

with_previous as (
    select
        snapshot_date,
        is_as_of_date,
        is_weekly_date,
        lag(snapshot_date) over (order by snapshot_date) as previous_snapshot_date,
        -- position on the spine: state runs and running sums are kept per snapshot index
        row_number() over (order by snapshot_date) as snapshot_index
    from snapshot_dates
)

select
    snapshot_date,
    cast(snapshot_index as integer) as snapshot_index,
    previous_snapshot_date,
    -- first day of the period this snapshot closes
    coalesce(
        {{ ar_add_days('previous_snapshot_date', 1) }},
        {{ ar_add_days('snapshot_date', -6) }}
    ) as period_start_date,
    is_weekly_date,
    is_as_of_date as is_latest
from with_previous
