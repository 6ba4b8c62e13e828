{#- The KPIs' AR balance at the as-of date is the aged balance's total then:
    the DSO a CFO quotes is computed on the receivables the aged balance shows. -#}
with

kpis as (
    select
        company_code,
        ar_balance
    from {{ ref('fct_ar_kpis_monthly') }}
    where period_end_date = (select as_of.as_of_date from {{ ref('int_calendar__as_of') }} as as_of)
),

aged as (
    select
        company_code,
        sum(balance) as balance
    from {{ ref('fct_ar_aged_balance_weekly') }}
    where is_latest
    group by company_code
)

select
    coalesce(kpis.company_code, aged.company_code) as company_code,
    kpis.ar_balance,
    aged.balance
from kpis
full outer join aged
    on kpis.company_code = aged.company_code
where coalesce(kpis.ar_balance, 0) <> coalesce(aged.balance, 0)
