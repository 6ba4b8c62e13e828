{#- Outstanding per snapshot date, customer, age bucket, dunning status and
    blocking cause: the weekly receivables picture a credit manager filters
    and stacks.

    Computed without expanding items to weeks: each item's state runs
    (int_ageing__item_state_runs) add their open amount to their key on the
    run's first snapshot and take it off after its last; a running sum over
    the snapshots gives each key's outstanding, which holds until the key's
    next change. The customer's name, group and collector come from the
    conformed customer-week layer (int_customers__weekly_positions).
    Incremental: a scheduled run recomputes only the snapshots
    from int_weekly__restatement's date on, from the runs still open then
    (ar_runs_from_restated_snapshots). -#}
-- depends_on: {{ ref('int_weekly__restatement') }}
{#- on_schema_change not 'fail': PostgreSQL sees the contract's varchar columns as text in the
    rows of an incremental run, a type "change" that fails it; a column added to the model is
    appended, and its code change restates every snapshot (docs/weekly-runs.md) -#}
{{ config(
    materialized=ar_weekly_materialization(),
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    meta={'restated_by': 'snapshots'},
    pre_hook="{{ ar_delete_restated_snapshots() }}"
) }}

with

-- in a scheduled run, the runs still open on the first restated snapshot
runs as (
    {{ ar_runs_from_restated_snapshots() }}
),

snapshots as (
    select * from {{ ref('int_calendar__snapshot_dates') }}
),

positions as (
    select * from {{ ref('int_customers__weekly_positions') }}
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

-- an item enters its key on its run's first snapshot, leaves it after the last
movements as (
    select
        company_code,
        customer_code,
        age_bucket,
        dunning_status,
        blocking_cause,
        entry_snapshot_index as snapshot_index,
        open_amount as amount_change,
        1 as item_count_change
    from runs
    union all
    select
        company_code,
        customer_code,
        age_bucket,
        dunning_status,
        blocking_cause,
        end_snapshot_index as snapshot_index,
        -open_amount as amount_change,
        -1 as item_count_change
    from runs
    where end_snapshot_index is not null
),

net_movements as (
    select
        company_code,
        customer_code,
        age_bucket,
        dunning_status,
        blocking_cause,
        snapshot_index,
        sum(amount_change) as amount_change,
        sum(item_count_change) as item_count_change
    from movements
    group by company_code, customer_code, age_bucket, dunning_status, blocking_cause, snapshot_index
),

-- each key's outstanding from one change to the next
key_levels as (
    select
        company_code,
        customer_code,
        age_bucket,
        dunning_status,
        blocking_cause,
        snapshot_index as from_snapshot_index,
        lead(snapshot_index) over (
            partition by company_code, customer_code, age_bucket, dunning_status, blocking_cause
            order by snapshot_index
        ) as until_snapshot_index,
        sum(amount_change) over (
            partition by company_code, customer_code, age_bucket, dunning_status, blocking_cause
            order by snapshot_index rows between unbounded preceding and current row
        ) as outstanding_amount,
        sum(item_count_change) over (
            partition by company_code, customer_code, age_bucket, dunning_status, blocking_cause
            order by snapshot_index rows between unbounded preceding and current row
        ) as open_item_count
    from net_movements
),

outstanding as (
    select
        snapshots.snapshot_date,
        snapshots.is_latest,
        key_levels.*
    from key_levels
    inner join snapshots
        on
            key_levels.from_snapshot_index <= snapshots.snapshot_index
            and (key_levels.until_snapshot_index is null or key_levels.until_snapshot_index > snapshots.snapshot_index)
    where
        key_levels.open_item_count > 0
        and {{ ar_restated_snapshots_only('snapshots.snapshot_date') }}
)

select
    cast(outstanding.snapshot_date as date) as snapshot_date,
    cast(outstanding.company_code as {{ dbt.type_string() }}) as company_code,
    cast(outstanding.customer_code as {{ dbt.type_string() }}) as customer_code,
    cast(positions.customer_name as {{ dbt.type_string() }}) as customer_name,
    cast(positions.customer_group as {{ dbt.type_string() }}) as customer_group,
    cast(positions.collector as {{ dbt.type_string() }}) as collector,
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
-- the customer's name, group and collector that week
left join positions
    on
        outstanding.snapshot_date = positions.snapshot_date
        and outstanding.company_code = positions.company_code
        and outstanding.customer_code = positions.customer_code
left join age_buckets
    on outstanding.age_bucket = age_buckets.age_bucket
left join statuses
    on outstanding.dunning_status = statuses.dunning_status
left join causes
    on outstanding.blocking_cause = causes.blocking_cause
order by snapshot_date, company_code, customer_code, age_bucket_order
