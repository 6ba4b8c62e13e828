{#- Outstanding per snapshot date, customer, age bucket, dunning status and
    blocking cause: the weekly receivables picture a credit manager filters
    and stacks. -#}
with

open_items as (
    select * from {{ ref('fct_ar_open_items_weekly') }}
),

customers as (
    select * from {{ ref('int_customers__resolved') }}
),

dunning_collectors as (
    select * from {{ ref('int_dunning__customer_collectors_weekly') }}
),

age_buckets as (
    select * from {{ ref('dim_age_buckets') }}
),

statuses as (
    select * from {{ ref('dim_dunning_statuses') }}
),

causes as (
    select * from {{ ref('dim_blocking_causes') }}
),

outstanding as (
    select
        snapshot_date,
        company_code,
        customer_code,
        age_bucket,
        dunning_status,
        blocking_cause,
        is_latest,
        sum(open_amount) as outstanding_amount,
        count(*) as open_item_count
    from open_items
    group by
        snapshot_date, company_code, customer_code, age_bucket, dunning_status, blocking_cause, is_latest
)

select
    cast(outstanding.snapshot_date as date) as snapshot_date,
    cast(outstanding.company_code as {{ dbt.type_string() }}) as company_code,
    cast(outstanding.customer_code as {{ dbt.type_string() }}) as customer_code,
    cast(customers.customer_name as {{ dbt.type_string() }}) as customer_name,
    cast(customers.customer_group as {{ dbt.type_string() }}) as customer_group,
    -- who chases the customer this week: the dunning tool, else the master
    cast(coalesce(dunning_collectors.collector, customers.collector) as {{ dbt.type_string() }}) as collector,
    cast(outstanding.age_bucket as {{ dbt.type_string() }}) as age_bucket,
    cast(age_buckets.age_bucket_order as integer) as age_bucket_order,
    cast(age_buckets.label_fr as {{ dbt.type_string() }}) as age_bucket_label_fr,
    cast(age_buckets.label_en as {{ dbt.type_string() }}) as age_bucket_label_en,
    cast(outstanding.dunning_status as {{ dbt.type_string() }}) as dunning_status,
    cast(statuses.dunning_status_order as integer) as dunning_status_order,
    cast(statuses.label_fr as {{ dbt.type_string() }}) as dunning_status_label_fr,
    cast(statuses.label_en as {{ dbt.type_string() }}) as dunning_status_label_en,
    cast(outstanding.blocking_cause as {{ dbt.type_string() }}) as blocking_cause,
    cast(causes.blocking_cause_order as integer) as blocking_cause_order,
    cast(causes.label_fr as {{ dbt.type_string() }}) as blocking_cause_label_fr,
    cast(causes.label_en as {{ dbt.type_string() }}) as blocking_cause_label_en,
    cast(outstanding.outstanding_amount as decimal(18, 2)) as outstanding_amount,
    cast(outstanding.open_item_count as integer) as open_item_count,
    cast(outstanding.is_latest as boolean) as is_latest
from outstanding
left join customers
    on
        outstanding.company_code = customers.company_code
        and outstanding.customer_code = customers.customer_code
left join dunning_collectors
    on
        outstanding.snapshot_date = dunning_collectors.snapshot_date
        and outstanding.company_code = dunning_collectors.company_code
        and outstanding.customer_code = dunning_collectors.customer_code
left join age_buckets
    on outstanding.age_bucket = age_buckets.age_bucket
left join statuses
    on outstanding.dunning_status = statuses.dunning_status
left join causes
    on outstanding.blocking_cause = causes.blocking_cause
order by snapshot_date, company_code, customer_code, age_bucket_order
