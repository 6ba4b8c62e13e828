{#- The `top_customers_n` (100) customers with the largest balances of each
    company as of the as-of date (docs/definitions/08-forward-views.md), with their aged buckets,
    their outstanding by dunning status and by blocking cause, and their
    credit limit. `rank` is within the company; `overall_rank` across
    companies. -#}
{{ config(contract={'enforced': ar_default_bucket_bounds()}) }}
{%- set buckets = ar_age_buckets() %}

with

balances as (
    select * from {{ ref('fct_ar_aged_balance_weekly') }}
    where is_latest and balance <> 0
),

outstanding as (
    select * from {{ ref('fct_ar_outstanding_weekly') }}
    where is_latest
),

exposure as (
    select * from {{ ref('fct_ar_credit_exposure') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by company_code
            order by balance desc, {{ ar_bytewise('customer_code') }}
        ) as company_rank,
        row_number() over (
            order by balance desc, {{ ar_bytewise('company_code') }}, {{ ar_bytewise('customer_code') }}
        ) as overall_rank
    from balances
),

by_status_and_cause as (
    select
        company_code,
        customer_code,
        {%- for code in ar_dunning_status_codes() %}
        sum(case when dunning_status = '{{ code }}' then outstanding_amount else 0 end) as status_{{ code }},
        {%- endfor %}
        {%- for code in ar_blocking_cause_codes() %}
        sum(case when blocking_cause = '{{ code }}' then outstanding_amount else 0 end) as cause_{{ code }},
        {%- endfor %}
        count(*) as outstanding_rows
    from outstanding
    group by company_code, customer_code
)

select
    cast(ranked.company_code as {{ dbt.type_string() }}) as company_code,
    cast(ranked.customer_code as {{ dbt.type_string() }}) as customer_code,
    cast(ranked.company_rank as integer) as rank,
    cast(ranked.overall_rank as integer) as overall_rank,
    cast(ranked.customer_name as {{ dbt.type_string() }}) as customer_name,
    cast(ranked.customer_group as {{ dbt.type_string() }}) as customer_group,
    cast(ranked.collector as {{ dbt.type_string() }}) as collector,
    cast(ranked.balance as decimal(18, 2)) as balance,
    {%- for b in buckets %}
    cast(ranked.{{ b.code }} as decimal(18, 2)) as {{ b.code }},
    {%- endfor %}
    cast(ranked.overdue_total as decimal(18, 2)) as overdue_total,
    {%- for code in ar_dunning_status_codes() %}
    cast(coalesce(by_status_and_cause.status_{{ code }}, 0) as decimal(18, 2)) as outstanding_{{ code }},
    {%- endfor %}
    {%- for code in ar_blocking_cause_codes() %}
    cast(coalesce(by_status_and_cause.cause_{{ code }}, 0) as decimal(18, 2)) as outstanding_cause_{{ code }},
    {%- endfor %}
    cast(exposure.credit_limit as decimal(18, 2)) as credit_limit,
    cast(exposure.insured_limit as decimal(18, 2)) as insured_limit,
    cast(exposure.available_credit as decimal(18, 2)) as available_credit,
    cast(exposure.utilisation as decimal(18, 6)) as utilisation,
    cast(exposure.is_over_limit as boolean) as is_over_limit,
    cast(ranked.snapshot_date as date) as as_of_date
from ranked
left join by_status_and_cause
    on
        ranked.company_code = by_status_and_cause.company_code
        and ranked.customer_code = by_status_and_cause.customer_code
left join exposure
    on
        ranked.company_code = exposure.company_code
        and ranked.customer_code = exposure.customer_code
where ranked.company_rank <= {{ var('top_customers_n') }}
order by company_code, rank
