{#- Credit exposure per customer as of the as-of date (docs/definitions/08-forward-views.md): the
    limit granted, what is insured, what is owed, and what is left
    ("encours disponible"). Every customer with a balance or a credit limit.
    The balance is the conformed customer-week layer's at the latest snapshot
    (int_customers__weekly_positions); the collector follows the same rule
    (ar_customer_collector) for customers without open items. -#}
with

customers as (
    select * from {{ ref('dim_customers') }}
),

positions as (
    select * from {{ ref('int_customers__weekly_positions') }}
    where is_latest
),

latest_snapshot as (
    select * from {{ ref('int_calendar__snapshot_dates') }}
    where is_latest
),

dunning_collectors as (
    select dunning_collectors.*
    from {{ ref('int_dunning__customer_collectors_weekly') }} as dunning_collectors
    inner join latest_snapshot
        on dunning_collectors.snapshot_date = latest_snapshot.snapshot_date
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
        {{ ar_customer_collector('dunning_collectors.collector', 'customers.collector') }} as collector,
        customers.collector as master_collector,
        customers.credit_limit,
        customers.insured_limit,
        coalesce(positions.balance, 0) as balance,
        coalesce(positions.overdue_total, 0) as overdue_total
    from customers
    left join positions
        on
            customers.company_code = positions.company_code
            and customers.customer_code = positions.customer_code
    left join dunning_collectors
        on
            customers.company_code = dunning_collectors.company_code
            and customers.customer_code = dunning_collectors.customer_code
    where positions.balance <> 0 or customers.credit_limit is not null
)

select
    cast(exposure.company_code as {{ dbt.type_string() }}) as company_code,
    cast(exposure.customer_code as {{ dbt.type_string() }}) as customer_code,
    cast(exposure.customer_name as {{ dbt.type_string() }}) as customer_name,
    cast(exposure.customer_group as {{ dbt.type_string() }}) as customer_group,
    cast(exposure.segment as {{ dbt.type_string() }}) as segment,
    cast(exposure.collector as {{ dbt.type_string() }}) as collector,
    cast(exposure.master_collector as {{ dbt.type_string() }}) as master_collector,
    cast(exposure.credit_limit as decimal(18, 2)) as credit_limit,
    cast(exposure.insured_limit as decimal(18, 2)) as insured_limit,
    cast(exposure.balance as decimal(18, 2)) as balance,
    cast(exposure.overdue_total as decimal(18, 2)) as overdue_total,
    cast({{ ar_available_credit('exposure.credit_limit', 'exposure.balance') }} as decimal(18, 2)) as available_credit,
    cast({{ ar_credit_utilisation('exposure.balance', 'exposure.credit_limit') }} as decimal(18, 6)) as utilisation,
    {{ ar_is_over_limit('exposure.balance', 'exposure.credit_limit') }} as is_over_limit,
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
