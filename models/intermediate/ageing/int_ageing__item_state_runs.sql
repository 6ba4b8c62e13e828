{#- Each open item's life on the snapshot spine, cut into runs of
    consecutive snapshots over which nothing a weekly mart shows changes:
    its open amount, its age bucket and its document's dunning state
    (docs/definitions/02-lettering.md to 05-dunning-state.md). Grain: company, entry, first snapshot of the run.

    An item's state can only change on a few dates: its posting, its
    lettering group's effective date, the days it crosses into an older
    bucket (due date + 1, + each bound + 1) and the dates the dunning tool's
    picture of its document changes. Each such date is first seen by the
    next snapshot; the state is read on that snapshot and holds until the
    next change. This is a few rows per item instead of one per item and
    week (docs/scaling.md: 135 M item-weeks at 10 M ledger lines), and the
    weekly marts are running sums over these runs.

    Incremental (docs/weekly-runs.md): a scheduled run recomputes the runs of
    the items int_weekly__restated_items names; an item settled before the
    earliest change keeps its runs (they all start before it). -#}
-- depends_on: {{ ref('int_weekly__restated_items') }}
{{ config(
    materialized=ar_weekly_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    meta={'restated_by': 'items'},
    pre_hook="{{ ar_delete_restated_items() }}"
) }}
{%- set buckets = ar_age_buckets() %}

with

intervals as (
    select intervals.*
    from {{ ref('int_ledger__open_item_intervals') }} as intervals
    where {{ ar_restated_items_only('intervals') }}
),

day_index as (
    select * from {{ ref('int_calendar__day_snapshot_index') }}
),

document_states as (
    select * from {{ ref('int_dunning__document_state_intervals') }}
),

-- one row per item: when it opens and when (if ever) it is fully settled
items as (
    select
        company_code,
        entry_id,
        min(customer_code) as customer_code,
        min(document_number) as document_number,
        min(item_side) as item_side,
        min(due_date) as due_date,
        min(valid_from) as opened_on,
        case when count(*) = count(valid_until) then max(valid_until) end as closed_on
    from intervals
    group by company_code, entry_id
),

-- the dates the dunning tool's picture of a document changes: the bounds of
-- its state intervals
document_changes as (
    select
        company_code,
        customer_code,
        document_number,
        valid_from as change_date
    from document_states
    union all
    select
        company_code,
        customer_code,
        document_number,
        valid_until as change_date
    from document_states
    where valid_until is not null
),

change_dates as (
    select
        company_code,
        entry_id,
        valid_from as change_date
    from intervals
    union all
    select
        company_code,
        entry_id,
        valid_until as change_date
    from intervals
    where valid_until is not null
    {%- for b in buckets if b.kind in ('overdue_range', 'overdue_over') %}
    union all
    -- the first day in {{ b.code }}
    select
        company_code,
        entry_id,
        {{ ar_add_days('due_date', b.lo) }} as change_date
    from items
    where
        item_side = 'debit'
        and due_date is not null
        -- an item settled before it reaches the bucket never enters it
        and (closed_on is null or {{ ar_add_days('due_date', b.lo) }} <= closed_on)
    {%- endfor %}
    union all
    select
        items.company_code,
        items.entry_id,
        document_changes.change_date
    from items
    inner join document_changes
        on
            items.company_code = document_changes.company_code
            and items.customer_code = document_changes.customer_code
            and items.document_number = document_changes.document_number
),

-- the snapshots that first see each change within the item's life
run_starts as (
    select distinct
        change_dates.company_code,
        change_dates.entry_id,
        day_index.snapshot_index,
        day_index.snapshot_date
    from change_dates
    inner join items
        on
            change_dates.company_code = items.company_code
            and change_dates.entry_id = items.entry_id
    inner join day_index
        on change_dates.change_date = day_index.date_day
    where
        change_dates.change_date >= items.opened_on
        and (items.closed_on is null or change_dates.change_date <= items.closed_on)
),

runs as (
    select
        company_code,
        entry_id,
        snapshot_index as first_snapshot_index,
        snapshot_date as first_snapshot_date,
        lead(snapshot_index) over (
            partition by company_code, entry_id
            order by snapshot_index
        ) as end_snapshot_index
    from run_starts
),

-- the item's state read on the run's first snapshot (closed runs drop out)
run_states as (
    select
        runs.company_code,
        runs.entry_id,
        runs.first_snapshot_index,
        runs.end_snapshot_index,
        runs.first_snapshot_date,
        intervals.open_amount,
        intervals.customer_code,
        intervals.document_number,
        intervals.document_type,
        intervals.item_side,
        intervals.posting_date,
        intervals.due_date,
        intervals.amount,
        intervals.lettering_code,
        intervals.lettering_effective_date,
        intervals.reference,
        case
            when intervals.item_side = 'debit'
                then {{ ar_days_between('intervals.due_date', 'runs.first_snapshot_date') }}
        end as days_past_due,
        -- the payment terms of an invoice run from its document date (§17)
        coalesce(intervals.document_date, intervals.posting_date) as terms_start_date
    from runs
    inner join intervals
        on
            runs.company_code = intervals.company_code
            and runs.entry_id = intervals.entry_id
            and runs.first_snapshot_date >= intervals.valid_from
            and (intervals.valid_until is null or runs.first_snapshot_date < intervals.valid_until)
)

select
    run_states.company_code,
    run_states.entry_id,
    cast(run_states.first_snapshot_index as integer) as first_snapshot_index,
    cast(run_states.end_snapshot_index as integer) as end_snapshot_index,
    run_states.first_snapshot_date,
    run_states.customer_code,
    run_states.document_number,
    run_states.document_type,
    run_states.item_side,
    run_states.posting_date,
    run_states.due_date,
    run_states.amount,
    run_states.open_amount,
    cast(
        {{ ar_age_bucket('run_states.days_past_due', 'run_states.open_amount') }}
        as {{ dbt.type_string() }}
    ) as age_bucket,
    cast(
        {{ ar_age_bucket('run_states.days_past_due', 'run_states.open_amount', 'order') }}
        as integer
    ) as age_bucket_order,
    coalesce(document_states.dunning_status, 'not_dunned') as dunning_status,
    coalesce(document_states.dunning_level, 0) as dunning_level,
    coalesce(document_states.blocking_cause, 'none') as blocking_cause,
    document_states.collector as document_collector,
    document_states.promised_date,
    document_states.promised_amount,
    run_states.lettering_code,
    run_states.lettering_effective_date,
    run_states.reference,
    -- an invoice whose terms exceed the legal maximum (§17); null for other items
    case
        when run_states.item_side = 'debit' and run_states.document_type = 'invoice'
            then {{ ar_days_between('run_states.terms_start_date', 'run_states.due_date') }}
                > {{ var('legal_max_terms_days') }}
    end as terms_exceed_legal_max
from run_states
-- the document's state in the extract in force on the run's first snapshot
left join document_states
    on
        run_states.company_code = document_states.company_code
        and run_states.customer_code = document_states.customer_code
        and run_states.document_number = document_states.document_number
        and run_states.first_snapshot_date >= document_states.valid_from
        and (document_states.valid_until is null or run_states.first_snapshot_date < document_states.valid_until)
