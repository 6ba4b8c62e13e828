{#- Cash expected in the coming weeks, per company: one row per week with
    the promised, behaviour-based and uncertain (blocked) amounts side by
    side, their total, and the running total from the as-of date on. -#}
with

forecast as (
    select * from {{ ref('fct_ar_collection_forecast') }}
),

weekly as (
    select
        company_code,
        expected_week_start,
        sum(case when forecast_line = 'promised' then expected_amount else 0 end) as promised_amount,
        sum(case when forecast_line = 'behaviour' then expected_amount else 0 end) as behaviour_amount,
        sum(case when forecast_line = 'uncertain' then expected_amount else 0 end) as uncertain_amount,
        sum(expected_amount) as expected_amount,
        sum(open_item_count) as open_item_count
    from forecast
    group by company_code, expected_week_start
)

select
    company_code,
    expected_week_start,
    promised_amount,
    behaviour_amount,
    uncertain_amount,
    expected_amount,
    open_item_count,
    sum(expected_amount) over (
        partition by company_code
        order by expected_week_start
        rows between unbounded preceding and current row
    ) as cumulative_expected_amount
from weekly
order by company_code, expected_week_start
