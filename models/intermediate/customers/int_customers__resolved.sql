{#- One row per (company_code, customer_code) seen in the ledger or in a
    company-specific master row, with the master attributes that apply: the
    company's own row first, then the row for every company (docs/definitions/00-conventions.md),
    then, for the name, the latest name the ledger exported. -#}
with

master as (
    select * from {{ ref('stg_customers__customers') }}
),

entries as (
    select * from {{ ref('stg_ledger__entries') }}
),

ledger_customers as (
    select
        company_code,
        customer_code,
        min(posting_date) as first_posting_date,
        max(posting_date) as last_posting_date
    from entries
    group by company_code, customer_code
),

ledger_names as (
    select
        company_code,
        customer_code,
        customer_name
    from (
        select
            company_code,
            customer_code,
            customer_name,
            row_number() over (
                partition by company_code, customer_code
                order by posting_date desc, {{ ar_bytewise('entry_id') }} desc
            ) as name_rank
        from entries
        where customer_name is not null
    ) as named
    where name_rank = 1
),

keys as (
    select
        company_code,
        customer_code
    from ledger_customers
    union
    select
        company_code,
        customer_code
    from master
    where company_code is not null
)

select
    keys.company_code,
    keys.customer_code,
    coalesce(own.customer_name, every_company.customer_name, ledger_names.customer_name, keys.customer_code)
        as customer_name,
    coalesce(own.customer_group, every_company.customer_group) as customer_group,
    coalesce(own.segment, every_company.segment) as segment,
    coalesce(own.country, every_company.country) as country,
    coalesce(own.collector, every_company.collector) as collector,
    coalesce(own.credit_limit, every_company.credit_limit) as credit_limit,
    coalesce(own.insured_limit, every_company.insured_limit) as insured_limit,
    coalesce(own.payment_terms_days, every_company.payment_terms_days) as payment_terms_days,
    coalesce(own.registration_id, every_company.registration_id) as registration_id,
    own.customer_code is not null or every_company.customer_code is not null as is_in_master,
    ledger_customers.first_posting_date,
    ledger_customers.last_posting_date
from keys
left join master as own
    on
        keys.company_code = own.company_code
        and keys.customer_code = own.customer_code
left join master as every_company
    on
        every_company.company_code is null
        and keys.customer_code = every_company.customer_code
left join ledger_names
    on
        keys.company_code = ledger_names.company_code
        and keys.customer_code = ledger_names.customer_code
left join ledger_customers
    on
        keys.company_code = ledger_customers.company_code
        and keys.customer_code = ledger_customers.customer_code
