{#- Every calendar day from 1 January of the first posting's year to
    31 December of the year after the as-of date (room for due dates and
    forecasts), with the attributes every mart groups by. -#}
with

as_of as (
    select * from {{ ref('int_calendar__as_of') }}
),

bounds as (
    select
        cast({{ dbt.date_trunc('year', 'first_posting_date') }} as date) as first_day,
        {{ ar_date_add(
            'day', -1,
            ar_date_add('year', 2, 'cast(' ~ dbt.date_trunc('year', 'as_of_date') ~ ' as date)')
        ) }} as last_day,
        as_of_date
    from as_of
),

integers as (
    {{ ar_integers(5) }}
),

days as (
    select
        {{ ar_add_days('bounds.first_day', 'integers.n') }} as date_day,
        bounds.as_of_date
    from bounds
    cross join integers
    where integers.n <= {{ ar_days_between('bounds.first_day', 'bounds.last_day') }}
)

select
    date_day,
    {{ ar_iso_weekday('date_day') }} as iso_weekday,
    cast(extract(year from date_day) as integer) as year_number,
    cast(extract(month from date_day) as integer) as month_number,
    cast(extract(day from date_day) as integer) as day_of_month,
    cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start_date,
    cast({{ dbt.last_day('date_day', 'month') }} as date) as month_end_date,
    cast({{ dbt.date_trunc('quarter', 'date_day') }} as date) as quarter_start_date,
    {{ ar_add_days('date_day', '1 - ' ~ ar_iso_weekday('date_day')) }} as week_start_date,
    date_day = as_of_date as is_as_of_date,
    date_day <= as_of_date as is_past_or_as_of
from days
