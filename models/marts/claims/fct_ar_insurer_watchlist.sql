{#- The credit insurer's watchlist as of the as-of date (DEFINITIONS §17,
    docs/definitions/17-late-payment-and-credit-insurance.md): every open
    overdue document of an insured customer (insured_limit > 0) with the
    deadline by which the insurer must be told of it and how close it is.
    The deadline and status come from int_documents__overdue_as_of (the rule
    lives there and in `ar_insurer_status`), shared with the collector
    worklist. A document the dunning tool shows in dispute on the as-of date
    is flagged: the insurer usually does not cover a disputed debt. -#}
with

overdue as (
    select * from {{ ref('int_documents__overdue_as_of') }}
    where is_insured
),

customers as (
    select * from {{ ref('int_customers__resolved') }}
),

document_states as (
    select * from {{ ref('int_dunning__document_state_intervals') }}
),

as_of as (
    select * from {{ ref('int_calendar__as_of') }}
),

states_as_of as (
    select
        document_states.company_code,
        document_states.customer_code,
        document_states.document_number,
        document_states.blocking_cause,
        document_states.collector
    from document_states
    cross join as_of
    where {{ ar_valid_on('document_states', 'as_of.as_of_date') }}
)

select
    cast(overdue.company_code as {{ dbt.type_string() }}) as company_code,
    cast(overdue.customer_code as {{ dbt.type_string() }}) as customer_code,
    cast(overdue.document_number as {{ dbt.type_string() }}) as document_number,
    cast(customers.customer_name as {{ dbt.type_string() }}) as customer_name,
    cast(
        coalesce(states_as_of.collector, customers.collector, {{ ar_unassigned_collector() }})
        as {{ dbt.type_string() }}
    ) as collector,
    cast(overdue.insured_limit as decimal(18, 2)) as insured_limit,
    cast(overdue.open_overdue_amount as decimal(18, 2)) as open_overdue_amount,
    cast(overdue.earliest_due_date as date) as earliest_due_date,
    cast(overdue.days_past_due as integer) as days_past_due,
    cast(overdue.insurer_deadline as date) as insurer_deadline,
    cast(overdue.days_to_deadline as integer) as days_to_deadline,
    cast(overdue.insurer_status as {{ dbt.type_string() }}) as insurer_status,
    cast(
        case overdue.insurer_status when 'late' then 1 when 'due_soon' then 2 else 3 end
        as integer
    ) as insurer_status_order,
    cast(
        case overdue.insurer_status
            when 'late' then 'Délai de déclaration dépassé'
            when 'due_soon' then 'À déclarer bientôt'
            else 'Dans les délais'
        end
        as {{ dbt.type_string() }}
    ) as insurer_status_label_fr,
    cast(
        case overdue.insurer_status
            when 'late' then 'Declaration deadline passed'
            when 'due_soon' then 'Declaration due soon'
            else 'Within deadline'
        end
        as {{ dbt.type_string() }}
    ) as insurer_status_label_en,
    cast(coalesce(states_as_of.blocking_cause = 'dispute', false) as boolean) as is_disputed,
    cast(overdue.as_of_date as date) as as_of_date
from overdue
left join customers
    on
        overdue.company_code = customers.company_code
        and overdue.customer_code = customers.customer_code
left join states_as_of
    on
        overdue.company_code = states_as_of.company_code
        and overdue.customer_code = states_as_of.customer_code
        and overdue.document_number = states_as_of.document_number
