{#- Calendar days with their week, month and quarter, the snapshot flags and
    FR / EN names. -#}
{%- set months_fr = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août',
                     'septembre', 'octobre', 'novembre', 'décembre'] %}
{%- set months_en = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
                     'September', 'October', 'November', 'December'] %}
{%- set days_fr = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'] %}
{%- set days_en = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] %}

with

days as (
    select * from {{ ref('int_calendar__days') }}
),

snapshots as (
    select * from {{ ref('int_calendar__snapshot_dates') }}
),

snapshot_count as (
    select max(snapshot_index) as snapshot_count
    from snapshots
),

-- the weekly snapshot dates (not the extra as-of date), latest first
weekly_snapshots as (
    select
        snapshot_date,
        row_number() over (order by snapshot_date desc) as weekly_rank
    from snapshots
    where is_weekly_date
),

-- the fiscal year ends (var fiscal_year_end, 'MM-DD') on or before the as-of date, latest first
{%- set fiscal_month, fiscal_day = var('fiscal_year_end').split('-') | map('int') | list %}
fiscal_year_ends as (
    select
        date_day,
        row_number() over (order by date_day desc) as fiscal_year_end_rank
    from days
    where
        month_number = {{ fiscal_month }}
        and day_of_month = {{ fiscal_day }}
        and is_past_or_as_of
),

as_of as (
    select * from {{ ref('int_calendar__as_of') }}
),

month_names as (
    {%- for m in range(12) %}
    select
        {{ m + 1 }} as month_number,
        '{{ months_fr[m] }}' as month_name_fr,
        '{{ months_en[m] }}' as month_name_en
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

day_names as (
    {%- for d in range(7) %}
    select
        {{ d + 1 }} as iso_weekday,
        '{{ days_fr[d] }}' as day_name_fr,
        '{{ days_en[d] }}' as day_name_en
    {{ 'union all' if not loop.last }}
    {%- endfor %}
)

select
    cast(days.date_day as date) as date_day,
    cast(days.iso_weekday as integer) as iso_weekday,
    cast(day_names.day_name_fr as {{ dbt.type_string() }}) as day_name_fr,
    cast(day_names.day_name_en as {{ dbt.type_string() }}) as day_name_en,
    cast(days.week_start_date as date) as week_start_date,
    cast(days.year_number as integer) as year_number,
    cast(days.month_number as integer) as month_number,
    cast(days.day_of_month as integer) as day_of_month,
    cast(month_names.month_name_fr as {{ dbt.type_string() }}) as month_name_fr,
    cast(month_names.month_name_en as {{ dbt.type_string() }}) as month_name_en,
    cast(days.month_start_date as date) as month_start_date,
    cast(days.month_end_date as date) as month_end_date,
    cast(extract(day from days.month_end_date) as integer) as days_in_month,
    cast(days.quarter_start_date as date) as quarter_start_date,
    days.date_day = days.month_end_date as is_month_end,
    snapshots.snapshot_date is not null as is_snapshot_date,
    cast(days.is_as_of_date as boolean) as is_as_of_date,
    cast(days.is_past_or_as_of as boolean) as is_past_or_as_of,
    -- 1 on the latest snapshot, 2 on the one before...; null on other days
    cast(snapshot_count.snapshot_count - snapshots.snapshot_index + 1 as integer) as snapshot_rank_from_latest,
    -- the same over the weekly snapshot dates only (the as-of date counts when it is one)
    cast(weekly_snapshots.weekly_rank as integer) as weekly_snapshot_rank_from_latest,
    -- 1 on the latest fiscal year end on or before the as-of date (the latest closed year)
    cast(fiscal_year_ends.fiscal_year_end_rank as integer) as fiscal_year_end_rank_from_latest,
    -- 0 in the as-of month, 1 in the month before...; negative after it
    cast(
        (extract(year from as_of.as_of_date) - days.year_number) * 12
        + extract(month from as_of.as_of_date) - days.month_number
        as integer
    ) as months_before_as_of
from days
cross join snapshot_count
cross join as_of
inner join day_names
    on days.iso_weekday = day_names.iso_weekday
inner join month_names
    on days.month_number = month_names.month_number
left join snapshots
    on days.date_day = snapshots.snapshot_date
left join weekly_snapshots
    on days.date_day = weekly_snapshots.snapshot_date
left join fiscal_year_ends
    on days.date_day = fiscal_year_ends.date_day
