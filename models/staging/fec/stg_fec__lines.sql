{#- Every landed FEC line (French legal ledger export), trimmed, with its
    company, the kind of its journal, the side of its amount and whether it
    is on a receivable account. One row per landed row: the lines on
    receivable accounts go on to stg_fec__ledger_lines, the others are out of
    the AR scope and only counted (int_fec__files). -#}
{%- set prefixes = var('fec_receivable_account_prefixes') -%}
{%- if prefixes is string -%}{%- set prefixes = [prefixes] -%}{%- endif -%}
{%- set receivable_conditions = [] -%}
{%- for prefix in prefixes -%}
    {%- do receivable_conditions.append(
        "substr(account_number, 1, " ~ (prefix | string | length) ~ ") = '" ~ prefix ~ "'"
    ) -%}
{%- endfor %}

with

source as (
    select * from {{ source('landing', 'fec_lines') }}
),

journal_codes as (
    select * from {{ ref('ar_fec_journal_codes') }}
),

-- Padded fixed-width exports pad every field with spaces: trim them all.
-- The company is the exported column when the software adds one, else the
-- SIREN of the legal file name, else the default company.
cleaned as (
    select
        source_file,
        source_row_number,
        file_name_date,
        file_name_company_code,
        encoding_error_column,
        structure_error,
        loaded_at,
        coalesce(
            {{ ar_clean_text('company_code') }},
            {{ ar_clean_text('file_name_company_code') }},
            '{{ var("default_company_code") }}'
        ) as company_code,
        {{ ar_clean_text('journalcode') }} as journal_code,
        {{ ar_clean_text('journallib') }} as journal_label,
        {{ ar_clean_text('ecriturenum') }} as entry_number,
        {{ ar_clean_text('ecrituredate') }} as posting_date_raw,
        {{ ar_clean_text('comptenum') }} as account_number,
        {{ ar_clean_text('comptelib') }} as account_label,
        {{ ar_clean_text('compauxnum') }} as auxiliary_account_number,
        {{ ar_clean_text('compauxlib') }} as auxiliary_account_label,
        {{ ar_clean_text('pieceref') }} as piece_reference,
        {{ ar_clean_text('piecedate') }} as piece_date_raw,
        {{ ar_clean_text('ecriturelib') }} as entry_label,
        {{ ar_clean_text('debit') }} as debit_raw,
        {{ ar_clean_text('credit') }} as credit_raw,
        {{ ar_clean_text('ecriturelet') }} as lettering_code,
        {{ ar_clean_text('datelet') }} as lettering_date_raw,
        {{ ar_clean_text('montantdevise') }} as amount_currency_raw,
        {{ ar_clean_text('idevise') }} as currency_raw,
        {{ ar_clean_text('dateecheance') }} as due_date_raw
    from source
),

-- The journal's kind: the company's own row of the mapping seed first, then
-- the row for every company; a journal in neither is `other`.
with_journal_kind as (
    select
        cleaned.*,
        coalesce(
            company_journal.journal_kind, any_company_journal.journal_kind, 'other'
        ) as journal_kind,
        {{ ar_parse_decimal('cleaned.debit_raw') }} as debit,
        {{ ar_parse_decimal('cleaned.credit_raw') }} as credit
    from cleaned
    left join journal_codes as company_journal
        on
            cleaned.company_code = company_journal.company_code
            and {{ ar_code_key('cleaned.journal_code') }} = {{ ar_code_key('company_journal.journal_code') }}
    left join journal_codes as any_company_journal
        on
            any_company_journal.company_code is null
            and {{ ar_code_key('cleaned.journal_code') }} = {{ ar_code_key('any_company_journal.journal_code') }}
),

with_side as (
    select
        *,
        coalesce(debit, 0) - coalesce(credit, 0) as amount
    from with_journal_kind
)

select
    *,
    -- A line whose account cannot be read (a malformed record, no account
    -- number, a broken byte in it) might be a receivable: it goes on to the
    -- ledger lines, where the quarantine reports it, never silently out of scope.
    case
        when
            structure_error is not null
            or account_number is null
            or encoding_error_column = 'comptenum'
            then 'unreadable'
        when {{ receivable_conditions | join(' or ') }} then 'receivable'
        else 'out_of_scope'
    end as account_scope,
    -- The document type follows the journal and the side: a debit in the
    -- sales journal is an invoice and a credit there a credit note; a credit
    -- in a bank or cash journal is a payment received; the opening journal
    -- (à nouveaux) carries the items left open at the previous year end
    -- (`opening`, an adjustment: not a sale of the period); everything else
    -- (a cheque returned unpaid, a write-off, a reclassification) is an
    -- adjustment (so is a line whose amount did not parse: the quarantine
    -- then reports the amount, not the type).
    case
        when journal_kind = 'opening' then 'opening'
        when journal_kind = 'sales' and amount > 0 then 'invoice'
        when journal_kind = 'sales' and amount < 0 then 'credit_note'
        when journal_kind in ('bank', 'cash') and amount < 0 then 'payment'
        else 'adjustment'
    end as document_type
from with_side
