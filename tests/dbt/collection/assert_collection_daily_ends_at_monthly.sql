{#- The daily progression ends where the month ends: on the day a month is
    measured (its last day, or the as-of date), each company and collector's
    daily row carries the monthly row's amount to collect and amount
    collected; and every monthly row with something to collect has its
    daily rows. -#}
with

daily as (
    select * from {{ ref('fct_ar_collection_daily') }}
),

monthly as (
    select * from {{ ref('fct_ar_collection_monthly') }}
    where amount_to_collect > 0
),

last_days as (
    select
        monthly.month_start_date,
        monthly.company_code,
        monthly.collector,
        monthly.amount_to_collect,
        monthly.amount_collected,
        daily.amount_to_collect as daily_amount_to_collect,
        daily.amount_collected_to_date as daily_amount_collected
    from monthly
    left join daily
        on
            monthly.company_code = daily.company_code
            and monthly.collector = daily.collector
            and monthly.measured_until_date = daily.date_day
)

select *
from last_days
where
    daily_amount_to_collect is null
    or daily_amount_to_collect <> amount_to_collect
    or daily_amount_collected <> amount_collected
