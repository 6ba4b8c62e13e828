{#- The receivables KPIs per month-end and company (docs/definitions/06-sales-and-dso.md): the
    DSO family, BPDSO, ADD and CEI. Formulas and FR / EN names are in the
    glossary (models/marts/kpis/_kpis__docs.md). The current month is
    computed as of the as-of date and flagged is_complete = false. Ratios are
    null when their denominator is <= 0. -#}
with

balances as (
    select * from {{ ref('int_kpis__monthly_balances') }}
),

walk as (
    select * from {{ ref('int_kpis__dso_walk') }}
),

figures as (
    select
        balances.*,
        walk.trailing_3m_net_sales,
        walk.trailing_3m_days,
        walk.dso_countback,
        walk.is_countback_capped,
        case
            when walk.trailing_3m_net_sales > 0
                then {{ ar_divide('balances.ar_balance', 'walk.trailing_3m_net_sales') }} * walk.trailing_3m_days
        end as dso_standard,
        case
            when balances.net_credit_sales > 0
                then {{ ar_divide(
                    '(balances.opening_balance + balances.ar_balance) / 2', 'balances.net_credit_sales'
                ) }} * balances.period_days
        end as dso_average_balance,
        case
            when walk.trailing_3m_net_sales > 0
                then {{ ar_divide('balances.ar_not_due', 'walk.trailing_3m_net_sales') }} * walk.trailing_3m_days
        end as bpdso,
        -- CEI: what could be collected (opening balance + sales) against what
        -- was, leaving out what was not yet due
        balances.opening_balance + balances.net_credit_sales - balances.ar_not_due as cei_denominator
    from balances
    inner join walk
        on
            balances.company_code = walk.company_code
            and balances.month_start_date = walk.month_start_date
)

select
    cast(month_end_date as date) as month_end_date,
    cast(company_code as {{ dbt.type_string() }}) as company_code,
    cast(month_start_date as date) as month_start_date,
    cast(period_end_date as date) as period_end_date,
    cast(period_days as integer) as period_days,
    cast(opening_balance as decimal(18, 2)) as opening_balance,
    cast(ar_balance as decimal(18, 2)) as ar_balance,
    cast(ar_not_due as decimal(18, 2)) as ar_not_due,
    cast(net_credit_sales as decimal(18, 2)) as net_credit_sales,
    cast(trailing_3m_net_sales as decimal(18, 2)) as trailing_3m_net_sales,
    cast(trailing_3m_days as integer) as trailing_3m_days,
    cast(dso_countback as decimal(18, 4)) as dso_countback,
    cast(is_countback_capped as boolean) as is_countback_capped,
    cast(dso_standard as decimal(18, 4)) as dso_standard,
    cast(dso_average_balance as decimal(18, 4)) as dso_average_balance,
    cast(bpdso as decimal(18, 4)) as bpdso,
    cast(dso_standard - bpdso as decimal(18, 4)) as add_days,
    cast(
        case
            when cei_denominator > 0
                then {{ ar_divide('opening_balance + net_credit_sales - ar_balance', 'cei_denominator') }} * 100
        end
        as decimal(18, 6)
    ) as cei,
    cast(is_complete as boolean) as is_complete
from figures
order by month_end_date, company_code
