{#- The walk back through the months behind each month-end (docs/definitions/06-sales-and-dso.md):
    count-back DSO and the trailing three-month sales and days.

    Count-back: the balance is absorbed by the months' net sales, newest
    first, at most 24 months; a month with no positive sales adds its days and
    absorbs nothing; the month that finishes absorbing it adds the fraction of
    its days it needed. Months before the first posting have no sales and
    their full days. The month of E counts its days up to E (a month still
    running has had fewer days to make its sales). -#}
with

balances as (
    select * from {{ ref('int_kpis__monthly_balances') }}
),

offsets as (
    select n as months_back
    from ({{ ar_integers(2) }}) as integers
    where n < 24
),

walk as (
    select
        balances.company_code,
        balances.month_start_date,
        balances.ar_balance,
        balances.period_days,
        offsets.months_back,
        {{ ar_date_add('month', '-offsets.months_back', 'balances.month_start_date') }} as walk_month_start_date
    from balances
    cross join offsets
),

walk_months as (
    select
        walk.company_code,
        walk.month_start_date,
        walk.ar_balance,
        walk.months_back,
        coalesce(earlier.net_credit_sales, 0) as month_sales,
        case
            when walk.months_back = 0 then walk.period_days
            else {{ ar_days_between(
                'walk.walk_month_start_date',
                ar_date_add('month', 1, 'walk.walk_month_start_date')
            ) }}
        end as month_days
    from walk
    left join balances as earlier
        on
            walk.company_code = earlier.company_code
            and walk.walk_month_start_date = earlier.month_start_date
),

absorbed as (
    select
        *,
        -- balance absorbed by the newer months, and their days
        coalesce(sum(case when month_sales > 0 then month_sales else 0 end) over (
            partition by company_code, month_start_date
            order by months_back
            rows between unbounded preceding and 1 preceding
        ), 0) as absorbed_before,
        coalesce(sum(month_days) over (
            partition by company_code, month_start_date
            order by months_back
            rows between unbounded preceding and 1 preceding
        ), 0) as days_before
    from walk_months
),

stop_month as (
    select
        company_code,
        month_start_date,
        min(months_back) as stop_months_back
    from absorbed
    where month_sales > 0 and ar_balance - absorbed_before <= month_sales
    group by company_code, month_start_date
),

summed as (
    select
        absorbed.company_code,
        absorbed.month_start_date,
        max(absorbed.ar_balance) as ar_balance,
        sum(absorbed.month_days) as walk_days,
        sum(case when absorbed.months_back < 3 then absorbed.month_sales else 0 end) as trailing_3m_net_sales,
        sum(case when absorbed.months_back < 3 then absorbed.month_days else 0 end) as trailing_3m_days,
        max(
            case
                when absorbed.months_back = stop_month.stop_months_back
                    then absorbed.days_before
                        + {{ ar_divide('absorbed.ar_balance - absorbed.absorbed_before', 'absorbed.month_sales') }}
                        * absorbed.month_days
            end
        ) as countback_days
    from absorbed
    left join stop_month
        on
            absorbed.company_code = stop_month.company_code
            and absorbed.month_start_date = stop_month.month_start_date
    group by absorbed.company_code, absorbed.month_start_date
)

select
    company_code,
    month_start_date,
    trailing_3m_net_sales,
    trailing_3m_days,
    -- days with a fixed scale on every engine (the mart rounds to 4 decimals)
    cast(
        case
            when ar_balance <= 0 then 0
            -- 24 months of sales do not absorb the balance: the walk's full length
            when countback_days is null then walk_days
            else countback_days
        end as decimal(28, 12)
    ) as dso_countback,
    countback_days is null and ar_balance > 0 as is_countback_capped
from summed
