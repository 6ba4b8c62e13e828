{#- What the dunning tool says of each document, as validity intervals: one
    row per run of consecutive extracts that list the document in the same
    state (status, level, cause, collector, promise). docs/definitions/05-dunning-state.md: the
    extract in force on a date (the company's latest on or before it)
    describes the document, and a document missing from it is not dunned.
    So the state holds from the run's first extract up to the company's
    extract after the run's last one (exclusive): the extract that changes
    the state or no longer lists the document; no end while the latest
    extract still lists it. Outside every interval the document is not
    dunned.

    The models that need a document's state on a date (a snapshot, the day
    before a month) look it up here by document and date: a few rows per
    document instead of one per document and extract (21.7 M rows at 10 M
    ledger lines), and the interval bounds are the dates the state changes.

    Incremental (docs/weekly-runs.md): a scheduled run extends the intervals
    from the previous build's instead of rebuilding them from every extract.
    Intervals ending before the first extract that changed stay; the
    others are dropped (pre-hook) and computed again from the extract rows
    since the earliest of them started (int_weekly__restated_dunning_documents):
    a run start is decided by rows before the change, which did not move,
    so the recomputed runs start where they did. A week with one new
    extract reads the open documents' current runs and the new extract,
    not three years of extracts. -#}
-- depends_on: {{ ref('int_weekly__restatement') }}
-- depends_on: {{ ref('int_weekly__restated_dunning_documents') }}
{{ config(
    materialized=ar_weekly_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    meta={'restated_by': 'dunning_documents'},
    pre_hook="{{ ar_delete_restated_dunning_intervals() }}"
) }}

with

document_states as (
    select document_states.*
    from {{ ref('stg_dunning__document_states') }} as document_states
    {%- if is_incremental() %}
    cross join {{ ref('int_weekly__restatement') }} as restatement
    left join {{ ref('int_weekly__restated_dunning_documents') }} as restated
        on
            document_states.company_code = restated.company_code
            and document_states.customer_code = restated.customer_code
            and document_states.document_number = restated.document_number
    where
        document_states.extracted_at >= restatement.dunning_restate_from_date
        or document_states.extracted_at >= restated.restart_date
    {%- endif %}
),

extracts as (
    select * from {{ ref('int_dunning__extract_intervals') }}
),

company_extracts as (
    select
        company_code,
        extracted_at,
        valid_until as next_extracted_at,
        lag(extracted_at) over (partition by company_code order by extracted_at) as previous_extracted_at
    from extracts
),

fingerprinted as (
    select
        document_states.company_code,
        document_states.customer_code,
        document_states.document_number,
        document_states.extracted_at,
        company_extracts.previous_extracted_at,
        company_extracts.next_extracted_at,
        document_states.dunning_status,
        document_states.dunning_level,
        document_states.blocking_cause,
        document_states.collector,
        document_states.promised_date,
        document_states.promised_amount,
        {{ ar_row_hash([
            'document_states.dunning_status', 'document_states.dunning_level',
            'document_states.blocking_cause', 'document_states.collector',
            'document_states.promised_date', 'document_states.promised_amount']) }} as state_fingerprint
    from document_states
    inner join company_extracts
        on
            document_states.company_code = company_extracts.company_code
            and document_states.extracted_at = company_extracts.extracted_at
),

-- the document's rows in the extracts just before and just after
with_neighbours as (
    select
        *,
        lag(extracted_at) over document_history as document_previous_extracted_at,
        lead(extracted_at) over document_history as document_next_extracted_at,
        lag(state_fingerprint) over document_history as previous_state_fingerprint,
        lead(state_fingerprint) over document_history as next_state_fingerprint
    from fingerprinted
    window document_history as (
        partition by company_code, customer_code, document_number
        order by extracted_at
    )
),

-- a run starts where the previous extract did not list the document in the
-- same state, and ends where the next extract does not
run_bounds as (
    select
        *,
        (
            previous_extracted_at is null
            or document_previous_extracted_at is null
            or document_previous_extracted_at <> previous_extracted_at
            or previous_state_fingerprint <> state_fingerprint
        ) as is_run_start,
        (
            next_extracted_at is null
            or document_next_extracted_at is null
            or document_next_extracted_at <> next_extracted_at
            or next_state_fingerprint <> state_fingerprint
        ) as is_run_end
    from with_neighbours
),

-- only the first and last rows of each run: a run's end is its start row, or
-- the very next of these rows
bound_rows as (
    select
        *,
        lead(next_extracted_at) over (
            partition by company_code, customer_code, document_number
            order by extracted_at
        ) as following_bound_next_extracted_at
    from run_bounds
    where is_run_start or is_run_end
)

select
    company_code,
    customer_code,
    document_number,
    extracted_at as valid_from,
    case
        when is_run_end then next_extracted_at
        else following_bound_next_extracted_at
    end as valid_until,
    dunning_status,
    dunning_level,
    blocking_cause,
    collector,
    promised_date,
    promised_amount
from bound_rows
where is_run_start
