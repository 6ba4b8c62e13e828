{#- The aged balance ("balance âgée") per snapshot date and customer: one
    column per bucket, the balance, and last week's balance for the
    evolution. A customer has a row while it has open items, and one more
    the week its balance drops to nothing. The balance ties to the ledger to
    the cent (tests/dbt/assert_aged_balance_ties_to_ledger.sql).
    Read from fct_ar_outstanding_weekly (the same open items, by bucket);
    incremental like it. -#}
-- depends_on: {{ ref('int_weekly__restatement') }}
{{ config(
    contract={'enforced': ar_default_bucket_bounds()},
    materialized=ar_weekly_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ ar_delete_restated_snapshots() }}"
) }}
{%- set buckets = ar_age_buckets() %}

with

outstanding as (
    select * from {{ ref('fct_ar_outstanding_weekly') }}
),

snapshots as (
    select * from {{ ref('int_calendar__snapshot_dates') }}
),

customers as (
    select * from {{ ref('int_customers__resolved') }}
),

dunning_collectors as (
    select * from {{ ref('int_dunning__customer_collectors_weekly') }}
),

by_customer as (
    select
        snapshot_date,
        company_code,
        customer_code,
        {%- for b in buckets %}
        sum(case when age_bucket = '{{ b.code }}' then outstanding_amount else 0 end) as {{ b.code }},
        {%- endfor %}
        sum(open_item_count) as open_item_count,
        sum(outstanding_amount) as balance
    from outstanding
    group by snapshot_date, company_code, customer_code
),

-- every week a customer has open items, and the week after the last one
customer_weeks as (
    select
        snapshot_date,
        company_code,
        customer_code
    from by_customer
    union
    select
        snapshots.snapshot_date,
        by_customer.company_code,
        by_customer.customer_code
    from by_customer
    inner join snapshots
        on by_customer.snapshot_date = snapshots.previous_snapshot_date
)

select
    cast(customer_weeks.snapshot_date as date) as snapshot_date,
    cast(customer_weeks.company_code as {{ dbt.type_string() }}) as company_code,
    cast(customer_weeks.customer_code as {{ dbt.type_string() }}) as customer_code,
    cast(customers.customer_name as {{ dbt.type_string() }}) as customer_name,
    cast(customers.customer_group as {{ dbt.type_string() }}) as customer_group,
    cast(coalesce(dunning_collectors.collector, customers.collector) as {{ dbt.type_string() }}) as collector,
    {%- for b in buckets %}
    cast(coalesce(current_week.{{ b.code }}, 0) as decimal(18, 2)) as {{ b.code }},
    {%- endfor %}
    cast(
        {%- for b in buckets if b.kind in ('overdue_range', 'overdue_over') %}
        coalesce(current_week.{{ b.code }}, 0){{ ' +' if not loop.last }}
        {%- endfor %}
        as decimal(18, 2)
    ) as overdue_total,
    cast(coalesce(current_week.balance, 0) as decimal(18, 2)) as balance,
    cast(coalesce(previous_week.balance, 0) as decimal(18, 2)) as previous_balance,
    cast(coalesce(current_week.balance, 0) - coalesce(previous_week.balance, 0) as decimal(18, 2))
        as balance_change,
    cast(coalesce(current_week.open_item_count, 0) as integer) as open_item_count,
    cast(snapshots.previous_snapshot_date as date) as previous_snapshot_date,
    cast(snapshots.is_latest as boolean) as is_latest
from customer_weeks
inner join snapshots
    on customer_weeks.snapshot_date = snapshots.snapshot_date
left join by_customer as current_week
    on
        customer_weeks.snapshot_date = current_week.snapshot_date
        and customer_weeks.company_code = current_week.company_code
        and customer_weeks.customer_code = current_week.customer_code
left join by_customer as previous_week
    on
        snapshots.previous_snapshot_date = previous_week.snapshot_date
        and customer_weeks.company_code = previous_week.company_code
        and customer_weeks.customer_code = previous_week.customer_code
left join customers
    on
        customer_weeks.company_code = customers.company_code
        and customer_weeks.customer_code = customers.customer_code
left join dunning_collectors
    on
        customer_weeks.snapshot_date = dunning_collectors.snapshot_date
        and customer_weeks.company_code = dunning_collectors.company_code
        and customer_weeks.customer_code = dunning_collectors.customer_code
where {{ ar_restated_snapshots_only('customer_weeks.snapshot_date') }}
order by snapshot_date, company_code, customer_code
