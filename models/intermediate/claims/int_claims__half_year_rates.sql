{#- The statutory late-payment rate of every half-year of the calendar
    (DEFINITIONS §17, docs/definitions/17-late-payment-and-credit-insurance.md):
    the ECB main refinancing rate in force on 1 January (January–June) or
    1 July (July–December), from the seed of published rates, plus
    `late_penalty_margin_points`. A half-year the seed does not list takes
    the latest earlier published rate, or the earliest one when it comes
    before the seed's first row, and is flagged: a claim computed on it is
    an estimate until the rate is added. -#}
with

days as (
    select * from {{ ref('int_calendar__days') }}
),

published as (
    select * from {{ ref('ar_ecb_main_refinancing_rates') }}
),

-- the calendar starts on 1 January, so every half-year it touches starts in it
half_years as (
    select date_day as half_year_start_date
    from days
    where day_of_month = 1 and month_number in (1, 7)
),

latest_earlier as (
    select
        half_years.half_year_start_date,
        max(published.half_year_start_date) as rate_half_year_start_date
    from half_years
    left join published
        on half_years.half_year_start_date >= published.half_year_start_date
    group by half_years.half_year_start_date
),

first_published as (
    select min(half_year_start_date) as first_half_year_start_date
    from published
),

resolved as (
    select
        latest_earlier.half_year_start_date,
        coalesce(latest_earlier.rate_half_year_start_date, first_published.first_half_year_start_date)
            as rate_half_year_start_date
    from latest_earlier
    cross join first_published
)

select
    resolved.half_year_start_date,
    {{ ar_date_add('month', 6, 'resolved.half_year_start_date') }} as next_half_year_start_date,
    resolved.rate_half_year_start_date,
    cast(published.rate_percent as decimal(9, 4)) as ecb_rate_percent,
    cast(
        published.rate_percent + cast({{ var('late_penalty_margin_points') }} as decimal(9, 4))
        as decimal(9, 4)
    ) as penalty_rate_percent,
    resolved.rate_half_year_start_date <> resolved.half_year_start_date as is_rate_carried_forward
from resolved
inner join published
    on resolved.rate_half_year_start_date = published.half_year_start_date
