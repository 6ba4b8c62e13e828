{#- The due schedule ("échéancier", docs/definitions/08-forward-views.md) as of the as-of date: what
    customers owe, by when it falls due: already overdue, the rest of the
    as-of month, the next three months, and later. Open debit items only
    (unapplied credits are in the aged balance, not in what falls due): the
    item state runs covering the latest snapshot, with the customer's
    collector from the conformed customer-week layer. -#}
with

runs as (
    select * from {{ ref('int_ageing__item_state_runs') }}
),

latest_snapshot as (
    select * from {{ ref('int_calendar__snapshot_dates') }}
    where is_latest
),

customers as (
    select * from {{ ref('int_customers__resolved') }}
),

positions as (
    select * from {{ ref('int_customers__weekly_positions') }}
    where is_latest
),

-- the debit items open on the latest snapshot: the state runs covering it
open_items as (
    select
        runs.*,
        customers.customer_name,
        customers.customer_group,
        positions.collector
    from runs
    inner join latest_snapshot
        on
            runs.first_snapshot_index <= latest_snapshot.snapshot_index
            and (runs.end_snapshot_index is null or runs.end_snapshot_index > latest_snapshot.snapshot_index)
    left join customers
        on
            runs.company_code = customers.company_code
            and runs.customer_code = customers.customer_code
    left join positions
        on
            runs.company_code = positions.company_code
            and runs.customer_code = positions.customer_code
    where runs.item_side = 'debit'
),

as_of as (
    select * from {{ ref('int_calendar__as_of') }}
),

scheduled as (
    select
        open_items.company_code,
        open_items.customer_code,
        open_items.customer_name,
        open_items.customer_group,
        open_items.collector,
        open_items.open_amount,
        as_of.as_of_date,
        -- months between the as-of month and the due month
        (extract(year from open_items.due_date) - extract(year from as_of.as_of_date)) * 12
        + extract(month from open_items.due_date) - extract(month from as_of.as_of_date) as months_ahead,
        open_items.due_date < as_of.as_of_date as is_overdue
    from open_items
    cross join as_of
),

bucketed as (
    select
        *,
        case
            when is_overdue then 'overdue'
            when months_ahead = 0 then 'month_0'
            when months_ahead = 1 then 'month_1'
            when months_ahead = 2 then 'month_2'
            when months_ahead = 3 then 'month_3'
            else 'month_4_plus'
        end as due_bucket
    from scheduled
),

labels as (
    select
        due_bucket,
        sort_order as due_bucket_order,
        label_fr,
        label_en
    from {{ ref('ar_due_bucket_labels') }}
)

select
    cast(bucketed.company_code as {{ dbt.type_string() }}) as company_code,
    cast(bucketed.customer_code as {{ dbt.type_string() }}) as customer_code,
    cast(bucketed.due_bucket as {{ dbt.type_string() }}) as due_bucket,
    cast(max(labels.due_bucket_order) as integer) as due_bucket_order,
    cast(max(labels.label_fr) as {{ dbt.type_string() }}) as due_bucket_label_fr,
    cast(max(labels.label_en) as {{ dbt.type_string() }}) as due_bucket_label_en,
    cast(max(bucketed.customer_name) as {{ dbt.type_string() }}) as customer_name,
    cast(max(bucketed.customer_group) as {{ dbt.type_string() }}) as customer_group,
    cast(max(bucketed.collector) as {{ dbt.type_string() }}) as collector,
    cast(sum(bucketed.open_amount) as decimal(18, 2)) as amount,
    cast(count(*) as integer) as open_item_count,
    cast(max(bucketed.as_of_date) as date) as as_of_date
from bucketed
inner join labels
    on bucketed.due_bucket = labels.due_bucket
group by bucketed.company_code, bucketed.customer_code, bucketed.due_bucket
order by company_code, customer_code, due_bucket_order
