{#- One row per promise to pay (docs/definitions/10-promises.md):
    when it was made, for how much, what
    was collected by its check date and its outcome, with FR / EN labels. -#}
with

promises as (
    select * from {{ ref('int_promises__evaluated') }}
),

outcomes as (
    select * from {{ ref('ar_promise_outcomes') }}
),

customers as (
    select * from {{ ref('int_customers__resolved') }}
),

as_of as (
    select * from {{ ref('int_calendar__as_of') }}
)

select
    cast(promises.company_code as {{ dbt.type_string() }}) as company_code,
    cast(promises.customer_code as {{ dbt.type_string() }}) as customer_code,
    cast(promises.document_number as {{ dbt.type_string() }}) as document_number,
    cast(promises.promised_date as date) as promised_date,
    cast(promises.promised_on as date) as promised_on,
    cast(customers.customer_name as {{ dbt.type_string() }}) as customer_name,
    cast(promises.collector as {{ dbt.type_string() }}) as collector,
    cast(promises.promised_amount as decimal(18, 2)) as promised_amount,
    cast(promises.is_promised_amount_defaulted as boolean) as is_promised_amount_defaulted,
    cast(promises.open_at_promise as decimal(18, 2)) as open_at_promise,
    cast(promises.target_amount as decimal(18, 2)) as target_amount,
    cast(promises.check_date as date) as check_date,
    cast(promises.measured_on as date) as measured_on,
    cast(promises.open_at_measure as decimal(18, 2)) as open_at_measure,
    cast(promises.collected_amount as decimal(18, 2)) as collected_amount,
    cast(promises.collected_within_target as decimal(18, 2)) as collected_within_target,
    cast(promises.outcome as {{ dbt.type_string() }}) as outcome,
    cast(outcomes.sort_order as integer) as outcome_order,
    cast(outcomes.label_fr as {{ dbt.type_string() }}) as outcome_label_fr,
    cast(outcomes.label_en as {{ dbt.type_string() }}) as outcome_label_en,
    cast(as_of.as_of_date as date) as as_of_date
from promises
cross join as_of
left join outcomes
    on promises.outcome = outcomes.promise_outcome
left join customers
    on
        promises.company_code = customers.company_code
        and promises.customer_code = customers.customer_code
