{#- One row per customer account of a company, with the master data that
    applies to it, and how it pays as of the as-of date
    (docs/definitions/14-payment-behaviour.md): the as-of month's row of
    int_customers__payment_behaviour_monthly, `unrated` without one. -#}
with

customers as (
    select * from {{ ref('int_customers__resolved') }}
),

payment_behaviour as (
    select * from {{ ref('int_customers__payment_behaviour_monthly') }}
    where is_latest
)

select
    cast(customers.company_code as {{ dbt.type_string() }}) as company_code,
    cast(customers.customer_code as {{ dbt.type_string() }}) as customer_code,
    cast(customers.customer_name as {{ dbt.type_string() }}) as customer_name,
    cast(customers.customer_group as {{ dbt.type_string() }}) as customer_group,
    cast(customers.segment as {{ dbt.type_string() }}) as segment,
    cast(customers.country as {{ dbt.type_string() }}) as country,
    cast(customers.collector as {{ dbt.type_string() }}) as collector,
    cast(customers.credit_limit as decimal(18, 2)) as credit_limit,
    cast(customers.insured_limit as decimal(18, 2)) as insured_limit,
    cast(customers.payment_terms_days as integer) as payment_terms_days,
    cast(customers.registration_id as {{ dbt.type_string() }}) as registration_id,
    cast(customers.is_in_master as boolean) as is_in_master,
    cast(customers.first_posting_date as date) as first_posting_date,
    cast(customers.last_posting_date as date) as last_posting_date,
    cast(payment_behaviour.weighted_days_late as decimal(18, 6)) as weighted_days_late,
    cast(coalesce(payment_behaviour.payment_rating, 'unrated') as {{ dbt.type_string() }}) as payment_rating
from customers
left join payment_behaviour
    on
        customers.company_code = payment_behaviour.company_code
        and customers.customer_code = payment_behaviour.customer_code
