{#- Every promise is counted once in fct_ar_promises_monthly, in the month of
    its promised date and under its collector: counts per outcome and target
    amounts per (month, company, collector) equal those recomputed from
    fct_ar_promises, and every other monthly row is zero. -#}
with

promises as (
    select
        *,
        cast({{ dbt.date_trunc('month', 'promised_date') }} as date) as month_start_date
    from {{ ref('fct_ar_promises') }}
),

expected as (
    select
        month_start_date,
        company_code,
        collector,
        count(*) as promise_count,
        sum(target_amount) as target_amount,
        sum(case when outcome = 'kept' then 1 else 0 end) as kept_count,
        sum(case when outcome = 'partially_kept' then 1 else 0 end) as partially_kept_count,
        sum(case when outcome = 'broken' then 1 else 0 end) as broken_count,
        sum(case when outcome = 'pending' then 1 else 0 end) as pending_count
    from promises
    group by month_start_date, company_code, collector
),

monthly as (
    select * from {{ ref('fct_ar_promises_monthly') }}
)

select
    coalesce(monthly.month_start_date, expected.month_start_date) as month_start_date,
    coalesce(monthly.company_code, expected.company_code) as company_code,
    coalesce(monthly.collector, expected.collector) as collector,
    monthly.promise_count,
    expected.promise_count as expected_promise_count
from monthly
full outer join expected
    on
        monthly.month_start_date = expected.month_start_date
        and monthly.company_code = expected.company_code
        and monthly.collector = expected.collector
where
    monthly.month_start_date is null
    or monthly.promise_count <> coalesce(expected.promise_count, 0)
    or monthly.target_amount <> coalesce(expected.target_amount, 0)
    or monthly.kept_count <> coalesce(expected.kept_count, 0)
    or monthly.partially_kept_count <> coalesce(expected.partially_kept_count, 0)
    or monthly.broken_count <> coalesce(expected.broken_count, 0)
    or monthly.pending_count <> coalesce(expected.pending_count, 0)
