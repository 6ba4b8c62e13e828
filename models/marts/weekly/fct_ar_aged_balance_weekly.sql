{#- The aged balance ("balance âgée") per snapshot date and customer: one
    column per bucket, the balance, and last week's balance for the
    evolution. A customer has a row while it has open items, and one more
    the week its balance drops to nothing. The balance ties to the ledger to
    the cent (tests/dbt/assert_aged_balance_ties_to_ledger.sql).
    A projection of the conformed customer-week layer
    (int_customers__weekly_positions); incremental like it. -#}
-- depends_on: {{ ref('int_weekly__restatement') }}
{#- on_schema_change not 'fail': PostgreSQL sees the contract's varchar columns as text in the
    rows of an incremental run, a type "change" that fails it; a column added to the model is
    appended, and its code change restates every snapshot (docs/weekly-runs.md) -#}
{{ config(
    contract={'enforced': ar_default_bucket_bounds()},
    materialized=ar_weekly_materialization(),
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    meta={'restated_by': 'snapshots'},
    pre_hook="{{ ar_delete_restated_snapshots() }}"
) }}
{%- set buckets = ar_age_buckets() %}

with

positions as (
    select * from {{ ref('int_customers__weekly_positions') }}
    where {{ ar_restated_snapshots_only('snapshot_date') }}
)

select
    cast(snapshot_date as date) as snapshot_date,
    cast(company_code as {{ dbt.type_string() }}) as company_code,
    cast(customer_code as {{ dbt.type_string() }}) as customer_code,
    cast(customer_name as {{ dbt.type_string() }}) as customer_name,
    cast(customer_group as {{ dbt.type_string() }}) as customer_group,
    cast(collector as {{ dbt.type_string() }}) as collector,
    {%- for b in buckets %}
    cast({{ b.code }} as decimal(18, 2)) as {{ b.code }},
    {%- endfor %}
    cast(overdue_total as decimal(18, 2)) as overdue_total,
    cast(balance as decimal(18, 2)) as balance,
    cast(previous_balance as decimal(18, 2)) as previous_balance,
    cast(balance - previous_balance as decimal(18, 2)) as balance_change,
    cast(open_item_count as integer) as open_item_count,
    cast(previous_snapshot_date as date) as previous_snapshot_date,
    cast(is_latest as boolean) as is_latest
from positions
order by snapshot_date, company_code, customer_code
