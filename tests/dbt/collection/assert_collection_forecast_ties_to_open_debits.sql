{#- The collection forecast spreads exactly the open debits as of the as-of
    date over its weeks and lines: per company, its total and item count
    equal the open debit amount and count computed from the open-item
    intervals, to the cent. -#}
with

forecast as (
    select * from {{ ref('fct_ar_collection_forecast') }}
),

intervals as (
    select * from {{ ref('int_ledger__open_item_intervals') }}
    where item_side = 'debit'
),

as_of as (
    select * from {{ ref('int_calendar__as_of') }}
),

open_debits as (
    select
        intervals.company_code,
        sum(intervals.open_amount) as open_amount,
        count(*) as open_item_count
    from intervals
    cross join as_of
    where
        intervals.valid_from <= as_of.as_of_date
        and (intervals.valid_until is null or intervals.valid_until > as_of.as_of_date)
    group by intervals.company_code
),

forecast_totals as (
    select
        company_code,
        sum(expected_amount) as expected_amount,
        sum(open_item_count) as open_item_count
    from forecast
    group by company_code
)

select
    coalesce(open_debits.company_code, forecast_totals.company_code) as company_code,
    open_debits.open_amount,
    forecast_totals.expected_amount,
    open_debits.open_item_count,
    forecast_totals.open_item_count as forecast_item_count
from open_debits
full outer join forecast_totals
    on open_debits.company_code = forecast_totals.company_code
where
    coalesce(open_debits.open_amount, 0) <> coalesce(forecast_totals.expected_amount, 0)
    or coalesce(open_debits.open_item_count, 0) <> coalesce(forecast_totals.open_item_count, 0)
