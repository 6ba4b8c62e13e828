{#- One row per customer account of a company, with the master data that
    applies to it. -#}
select
    cast(company_code as {{ dbt.type_string() }}) as company_code,
    cast(customer_code as {{ dbt.type_string() }}) as customer_code,
    cast(customer_name as {{ dbt.type_string() }}) as customer_name,
    cast(customer_group as {{ dbt.type_string() }}) as customer_group,
    cast(segment as {{ dbt.type_string() }}) as segment,
    cast(country as {{ dbt.type_string() }}) as country,
    cast(collector as {{ dbt.type_string() }}) as collector,
    cast(credit_limit as decimal(18, 2)) as credit_limit,
    cast(insured_limit as decimal(18, 2)) as insured_limit,
    cast(payment_terms_days as integer) as payment_terms_days,
    cast(registration_id as {{ dbt.type_string() }}) as registration_id,
    cast(is_in_master as boolean) as is_in_master,
    cast(first_posting_date as date) as first_posting_date,
    cast(last_posting_date as date) as last_posting_date
from {{ ref('int_customers__resolved') }}
