{#- Credit exposure per customer as of the as-of date (docs/definitions/08-forward-views.md): the
    limit granted, what is insured, what is owed, and what is left
    ("encours disponible"). Every customer with a balance or a credit limit.
    The balance is the conformed customer-week layer's at the latest snapshot
    (int_customers__weekly_positions); the collector follows the same rule
    (ar_customer_collector) for customers without open items.
    What credit insurance covers
    (docs/definitions/17-late-payment-and-credit-insurance.md): the balance
    less what is in dispute, up to the insured limit; the rest of a positive
    balance is the uninsured exposure. -#}
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

document_amounts as (
    select * from {{ ref('int_documents__open_debit_intervals') }}
),

document_states as (
    select * from {{ ref('int_dunning__document_state_intervals') }}
),

-- open debit amount of the customer's documents the dunning tool shows in
-- dispute on the as-of date
disputed as (
    select
        document_amounts.company_code,
        document_amounts.customer_code,
        sum(document_amounts.open_debit_amount) as disputed_amount
    from document_amounts
    cross join as_of
    inner join document_states
        on
            document_amounts.company_code = document_states.company_code
            and document_amounts.customer_code = document_states.customer_code
            and document_amounts.document_number = document_states.document_number
            and {{ ar_valid_on('document_states', 'as_of.as_of_date') }}
    where
        {{ ar_valid_on('document_amounts', 'as_of.as_of_date') }}
        and document_states.blocking_cause = 'dispute'
    group by document_amounts.company_code, document_amounts.customer_code
),

exposure_base as (
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
        coalesce(positions.overdue_total, 0) as overdue_total,
        coalesce(disputed.disputed_amount, 0) as disputed_amount
    from customers
    left join positions
        on
            customers.company_code = positions.company_code
            and customers.customer_code = positions.customer_code
    left join dunning_collectors
        on
            customers.company_code = dunning_collectors.company_code
            and customers.customer_code = dunning_collectors.customer_code
    left join disputed
        on
            customers.company_code = disputed.company_code
            and customers.customer_code = disputed.customer_code
    where positions.balance <> 0 or customers.credit_limit is not null
),

-- the insurer covers the undisputed balance up to the insured limit
covered as (
    select
        *,
        case
            when coalesce(insured_limit, 0) > 0
                then least(greatest(balance - disputed_amount, 0), insured_limit)
            else 0
        end as covered_balance
    from exposure_base
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
    cast(exposure.disputed_amount as decimal(18, 2)) as disputed_amount,
    cast(exposure.covered_balance as decimal(18, 2)) as covered_balance,
    -- what the company would lose if the customer failed and the insurer
    -- paid what it covers
    cast(
        case when exposure.balance > 0 then exposure.balance else 0 end - exposure.covered_balance
        as decimal(18, 2)
    ) as uninsured_exposure,
    cast(as_of.as_of_date as date) as as_of_date
from covered as exposure
cross join as_of
order by company_code, customer_code
