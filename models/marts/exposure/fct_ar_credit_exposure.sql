{#- Credit exposure per customer as of the as-of date (docs/definitions/08-forward-views.md): the
    limit granted, what is insured, what is owed, and what is left
    ("encours disponible"). Every customer with a balance or a credit limit. -#}
with

customers as (
    select * from {{ ref('dim_customers') }}
),

balances as (
    select * from {{ ref('fct_ar_aged_balance_weekly') }}
    where is_latest
),

as_of as (
    select * from {{ ref('int_calendar__as_of') }}
),

exposure as (
    select
        customers.company_code,
        customers.customer_code,
        customers.customer_name,
        customers.customer_group,
        customers.segment,
        customers.collector,
        customers.credit_limit,
        customers.insured_limit,
        coalesce(balances.balance, 0) as balance,
        coalesce(balances.overdue_total, 0) as overdue_total
    from customers
    left join balances
        on
            customers.company_code = balances.company_code
            and customers.customer_code = balances.customer_code
    where balances.balance <> 0 or customers.credit_limit is not null
)

select
    cast(exposure.company_code as {{ dbt.type_string() }}) as company_code,
    cast(exposure.customer_code as {{ dbt.type_string() }}) as customer_code,
    cast(exposure.customer_name as {{ dbt.type_string() }}) as customer_name,
    cast(exposure.customer_group as {{ dbt.type_string() }}) as customer_group,
    cast(exposure.segment as {{ dbt.type_string() }}) as segment,
    cast(exposure.collector as {{ dbt.type_string() }}) as collector,
    cast(exposure.credit_limit as decimal(18, 2)) as credit_limit,
    cast(exposure.insured_limit as decimal(18, 2)) as insured_limit,
    cast(exposure.balance as decimal(18, 2)) as balance,
    cast(exposure.overdue_total as decimal(18, 2)) as overdue_total,
    cast(exposure.credit_limit - exposure.balance as decimal(18, 2)) as available_credit,
    cast(
        case when exposure.credit_limit > 0 then {{ ar_divide('exposure.balance', 'exposure.credit_limit') }} end
        as decimal(18, 6)
    ) as utilisation,
    coalesce(exposure.balance > exposure.credit_limit, false) as is_over_limit,
    -- what the company would lose if the customer failed and the insurer paid
    cast(
        case
            when exposure.balance > coalesce(exposure.insured_limit, 0)
                then exposure.balance - coalesce(exposure.insured_limit, 0)
            else 0
        end
        as decimal(18, 2)
    ) as uninsured_exposure,
    cast(as_of.as_of_date as date) as as_of_date
from exposure
cross join as_of
order by company_code, customer_code
