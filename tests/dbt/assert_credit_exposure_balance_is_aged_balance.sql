{#- Credit exposure reads the same balance as the aged balance at the as-of
    date, customer by customer. -#}
with

exposure as (
    select * from {{ ref('fct_ar_credit_exposure') }}
),

aged as (
    select * from {{ ref('fct_ar_aged_balance_weekly') }}
    where is_latest and balance <> 0
)

select
    coalesce(exposure.company_code, aged.company_code) as company_code,
    coalesce(exposure.customer_code, aged.customer_code) as customer_code,
    exposure.balance as exposure_balance,
    aged.balance as aged_balance
from exposure
full outer join aged
    on
        exposure.company_code = aged.company_code
        and exposure.customer_code = aged.customer_code
where coalesce(exposure.balance, 0) <> coalesce(aged.balance, 0)
