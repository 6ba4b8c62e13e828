{#- Blocking episodes (docs/definitions/11-blocking-episodes.md): a document stays blocked by a
    cause for as long as the company's extracts, one after the other, show
    it with that cause. An extract on which the document is absent, or shows
    no cause or another one, ends the episode: the block was lifted that day
    (`blocked_until`). An episode still on the company's latest extract up to
    the as-of date is ongoing. The amount blocked is what the document still
    owed when the episode began; a lifted block ends `settled` when the
    document had been paid off by the day it was lifted.

    Runs of consecutive extracts are found by the position of each extract
    in its company's sequence: within one document and cause, positions that
    follow each other keep the same (position - row number). Nothing here
    depends on the as-of date but through the extracts up to it: the marts
    measure ongoing episodes up to it.

    Incremental (docs/weekly-runs.md): a scheduled run computes again the
    episodes of the documents int_weekly__restated_items names (their open
    debit steps were computed again) and the episodes reaching the dunning
    rows computed again (int_weekly__dunning_row_restarts: last blocked on or
    after the company's restart extract, or of a new customer). An episode
    that ended before depends only on rows that stayed, so it stays. A change
    of this model's code restates every episode (as any code change does),
    so the table may take new columns then (`sync_all_columns`: a warehouse
    built before this model was incremental carried the as-of date). -#}
-- depends_on: {{ ref('int_weekly__restated_items') }}
-- depends_on: {{ ref('int_weekly__dunning_row_restarts') }}
{{ config(
    materialized=ar_weekly_materialization(),
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    pre_hook="{{ ar_delete_recomputed_for_dunning('blocked_through') }}"
) }}

with

dunning_rows as (
    select * from {{ ref('int_documents__dunning_rows') }}
),

open_debits as (
    select * from {{ ref('int_documents__open_debit_intervals') }}
),

-- the documents with an episode to compute: their whole dunning history
recomputed_documents as (
    select distinct
        company_code,
        customer_code,
        document_number
    from dunning_rows
    where
        blocking_cause <> 'none'
        and {{ ar_recomputed_for_dunning('dunning_rows', 'extracted_at') }}
),

blocked_rows as (
    select
        company_code,
        customer_code,
        document_number,
        blocking_cause,
        extracted_at,
        extract_index,
        next_extracted_at,
        collector,
        extract_index - row_number() over (
            partition by company_code, customer_code, document_number, blocking_cause
            order by extract_index
        ) as run_key
    from dunning_rows
    where
        blocking_cause <> 'none'
        and exists (
            select 1
            from recomputed_documents
            where
                recomputed_documents.company_code = dunning_rows.company_code
                and recomputed_documents.customer_code = dunning_rows.customer_code
                and recomputed_documents.document_number = dunning_rows.document_number
        )
),

runs as (
    select
        company_code,
        customer_code,
        document_number,
        blocking_cause,
        run_key,
        min(extract_index) as first_extract_index,
        max(extract_index) as last_extract_index,
        min(extracted_at) as blocked_from,
        max(extracted_at) as blocked_through,
        count(*) as extract_count
    from blocked_rows
    group by company_code, customer_code, document_number, blocking_cause, run_key
),

-- the first row gives the collector, the last row the company's next extract
episodes as (
    select
        runs.company_code,
        runs.customer_code,
        runs.document_number,
        runs.blocking_cause,
        runs.blocked_from,
        runs.blocked_through,
        runs.extract_count,
        first_rows.collector,
        last_rows.next_extracted_at as blocked_until
    from runs
    inner join blocked_rows as first_rows
        on
            runs.company_code = first_rows.company_code
            and runs.customer_code = first_rows.customer_code
            and runs.document_number = first_rows.document_number
            and runs.first_extract_index = first_rows.extract_index
    inner join blocked_rows as last_rows
        on
            runs.company_code = last_rows.company_code
            and runs.customer_code = last_rows.customer_code
            and runs.document_number = last_rows.document_number
            and runs.last_extract_index = last_rows.extract_index
    where {{ ar_recomputed_for_dunning('runs', 'blocked_through') }}
),

with_amounts as (
    select
        episodes.*,
        coalesce(at_from.open_debit_amount, 0) as blocked_amount,
        coalesce(at_until.is_settled, false) as is_settled_at_until
    from episodes
    left join open_debits as at_from
        on
            episodes.company_code = at_from.company_code
            and episodes.customer_code = at_from.customer_code
            and episodes.document_number = at_from.document_number
            and {{ ar_valid_on('at_from', 'episodes.blocked_from') }}
    left join open_debits as at_until
        on
            episodes.company_code = at_until.company_code
            and episodes.customer_code = at_until.customer_code
            and episodes.document_number = at_until.document_number
            and {{ ar_valid_on('at_until', 'episodes.blocked_until') }}
)

select
    with_amounts.company_code,
    with_amounts.customer_code,
    with_amounts.document_number,
    with_amounts.blocking_cause,
    with_amounts.blocked_from,
    with_amounts.blocked_until,
    with_amounts.blocked_through,
    cast(with_amounts.extract_count as integer) as extract_count,
    with_amounts.collector,
    cast(with_amounts.blocked_amount as decimal(18, 2)) as blocked_amount,
    cast(
        {{ ar_days_between(
            'with_amounts.blocked_from',
            'with_amounts.blocked_until'
        ) }} as integer
    ) as resolution_days,
    cast(
        case
            when with_amounts.blocked_until is null then 'ongoing'
            when with_amounts.is_settled_at_until then 'settled'
            else 'unblocked'
        end as {{ dbt.type_string() }}
    ) as episode_outcome,
    with_amounts.blocked_until is null as is_ongoing
from with_amounts
