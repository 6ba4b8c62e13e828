{#- The `top_customers_n` (100) customers with the largest balances of each
    company as of the as-of date (docs/definitions/08-forward-views.md), with their aged buckets,
    their outstanding by dunning status and by blocking cause, and their
    credit limit, main dunning status and blocking cause, blocked amount.
    `rank` is within the company; `overall_rank` across companies. Read from
    the conformed customer-week layer (int_customers__weekly_positions) at the
    latest snapshot. -#}
{{ config(contract={'enforced': ar_default_bucket_bounds()}) }}
{%- set buckets = ar_age_buckets() %}

with

positions as (
    select * from {{ ref('int_customers__weekly_positions') }}
    where is_latest and balance <> 0
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
    from positions
)

select
    cast(company_code as {{ dbt.type_string() }}) as company_code,
    cast(customer_code as {{ dbt.type_string() }}) as customer_code,
    cast(company_rank as integer) as rank,
    cast(overall_rank as integer) as overall_rank,
    cast(customer_name as {{ dbt.type_string() }}) as customer_name,
    cast(customer_group as {{ dbt.type_string() }}) as customer_group,
    cast(collector as {{ dbt.type_string() }}) as collector,
    cast(balance as decimal(18, 2)) as balance,
    {%- for b in buckets %}
    cast({{ b.code }} as decimal(18, 2)) as {{ b.code }},
    {%- endfor %}
    cast(overdue_total as decimal(18, 2)) as overdue_total,
    {%- for code in ar_dunning_status_codes() %}
    cast(outstanding_{{ code }} as decimal(18, 2)) as outstanding_{{ code }},
    {%- endfor %}
    {%- for code in ar_blocking_cause_codes() %}
    cast(outstanding_cause_{{ code }} as decimal(18, 2)) as outstanding_cause_{{ code }},
    {%- endfor %}
    cast(credit_limit as decimal(18, 2)) as credit_limit,
    cast(insured_limit as decimal(18, 2)) as insured_limit,
    cast(available_credit as decimal(18, 2)) as available_credit,
    cast(utilisation as decimal(18, 6)) as utilisation,
    cast(is_over_limit as boolean) as is_over_limit,
    cast(main_dunning_status as {{ dbt.type_string() }}) as main_dunning_status,
    cast(main_blocking_cause as {{ dbt.type_string() }}) as main_blocking_cause,
    cast(blocked_amount as decimal(18, 2)) as blocked_amount,
    cast(snapshot_date as date) as as_of_date
from ranked
where company_rank <= {{ var('top_customers_n') }}
order by company_code, rank
