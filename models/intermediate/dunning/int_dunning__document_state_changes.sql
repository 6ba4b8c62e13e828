{#- The dates on which the dunning tool's picture of a document changes
    (DEFINITIONS §5: the extract in force describes the document; a document
    missing from it is not dunned). Each extract is a full picture, so a
    document's state changes when it first appears, when its status, level,
    cause, collector or promise differ from the previous extract's, and when
    it is missing from the next extract. Between two such dates every
    snapshot sees the same state: the weekly marts only need to look the
    state up again on these dates, not on every snapshot. -#}
with

document_states as (
    select * from {{ ref('stg_dunning__document_states') }}
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

document_rows as (
    select
        document_states.company_code,
        document_states.customer_code,
        document_states.document_number,
        document_states.extracted_at,
        company_extracts.previous_extracted_at,
        company_extracts.next_extracted_at,
        {{ ar_row_hash([
            'document_states.dunning_status', 'document_states.dunning_level',
            'document_states.blocking_cause', 'document_states.collector',
            'document_states.promised_date', 'document_states.promised_amount']) }} as state_fingerprint,
        lag(document_states.extracted_at) over document_history as document_previous_extracted_at,
        lead(document_states.extracted_at) over document_history as document_next_extracted_at
    from document_states
    inner join company_extracts
        on
            document_states.company_code = company_extracts.company_code
            and document_states.extracted_at = company_extracts.extracted_at
    window document_history as (
        partition by document_states.company_code, document_states.customer_code, document_states.document_number
        order by document_states.extracted_at
    )
),

with_previous_state as (
    select
        *,
        lag(state_fingerprint) over (
            partition by company_code, customer_code, document_number
            order by extracted_at
        ) as previous_state_fingerprint
    from document_rows
),

changes as (
    -- the document appears, or its state differs from the previous extract's
    select
        company_code,
        customer_code,
        document_number,
        extracted_at as change_date
    from with_previous_state
    where
        previous_extracted_at is null
        or document_previous_extracted_at is null
        or document_previous_extracted_at <> previous_extracted_at
        or previous_state_fingerprint <> state_fingerprint
    union all
    -- the next extract no longer lists it: from then on it is not dunned
    select
        company_code,
        customer_code,
        document_number,
        next_extracted_at as change_date
    from with_previous_state
    where
        next_extracted_at is not null
        and (document_next_extracted_at is null or document_next_extracted_at <> next_extracted_at)
)

select distinct
    company_code,
    customer_code,
    document_number,
    change_date
from changes
