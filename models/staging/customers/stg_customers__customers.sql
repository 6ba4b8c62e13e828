{#- The customer master, one row per (company_code, customer_code); a null
    company_code is a row that applies to every company. When a customer is
    delivered again, the file with the latest name, then its last row, wins. -#}
with

master_rows as (
    select * from {{ ref('stg_customers__master_rows') }}
    where problem_count = 0
),

ranked as (
    select
        *,
        row_number() over (
            partition by company_code, customer_code
            order by {{ ar_bytewise('source_file') }} desc, source_row_number desc
        ) as delivery_rank
    from master_rows
)

select
    company_code,
    customer_code,
    customer_name,
    customer_group,
    segment,
    country,
    collector,
    credit_limit,
    insured_limit,
    payment_terms_days,
    registration_id,
    company_code is null as applies_to_all_companies,
    source_file,
    source_row_number,
    loaded_at
from ranked
where delivery_rank = 1
