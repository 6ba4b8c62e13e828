{#- Each dunning extract with the period it is in force for its company
    (docs/definitions/05-dunning-state.md): from its `extracted_at` up to the company's next
    extract (exclusive). The state of a document as of any date d comes from
    the extract whose interval contains d: its row there, else not dunned.
    Before a company's first extract nothing is dunned. The document state
    intervals are cut at these bounds, and the snapshot dates look up the
    extract in force here. -#}
with

document_states as (
    select * from {{ ref('stg_dunning__document_states') }}
),

extracts as (
    select distinct
        company_code,
        extracted_at
    from document_states
)

select
    company_code,
    extracted_at,
    extracted_at as valid_from,
    lead(extracted_at) over (
        partition by company_code
        order by extracted_at
    ) as valid_until
from extracts
