{#- The FEC lines on receivable accounts (and those whose account cannot be
    read), as ledger lines: exactly the raw-text columns of
    landing.ledger_lines, so that stg_ledger__lines types, quarantines and
    de-duplicates them with the CSV exports, in one implementation. -#}
with

fec_lines as (
    select * from {{ ref('stg_fec__lines') }}
    where account_scope in ('receivable', 'unreadable')
),

-- A FEC line has no id. It is identified by what places it in the books:
-- journal, entry number, posting date, account, auxiliary account, piece
-- reference and amounts (in integer cents, which every engine writes the
-- same way; padding and number format normalised). A validated
-- entry cannot change any of these (the law makes validated entries
-- irreversible; corrections are new entries), so a re-export of the same
-- books gives every line the same key; what does change from one export to
-- the next (lettering, validation date, labels) is left out of it.
keyed as (
    select
        *,
        {{ dbt.hash(dbt.concat([
            "coalesce(journal_code, '')", "'|'",
            "coalesce(entry_number, '')", "'|'",
            "coalesce(posting_date_raw, '')", "'|'",
            "coalesce(account_number, '')", "'|'",
            "coalesce(auxiliary_account_number, '')", "'|'",
            "coalesce(piece_reference, '')", "'|'",
            "coalesce(cast(cast(round(debit * 100, 0) as bigint) as " ~ dbt.type_string() ~ "), debit_raw, '')",
            "'|'",
            "coalesce(cast(cast(round(credit * 100, 0) as bigint) as " ~ dbt.type_string() ~ "), credit_raw, '')",
        ])) }} as line_key
    from fec_lines
),

-- Lines identical on every key field (a sale booked twice in one entry) are
-- told apart by their order among themselves in the file, which a re-export
-- keeps: the n-th such line keeps the same id.
numbered as (
    select
        *,
        row_number() over (
            partition by company_code, source_file, line_key
            order by source_row_number
        ) as key_occurrence
    from keyed
)

select
    company_code,
    -- readable prefix (journal, entry number) + key hash + occurrence
    {{ dbt.concat([
        "coalesce(journal_code, '')", "'-'",
        "coalesce(entry_number, '')", "'-'",
        "substr(line_key, 1, 16)", "'-'",
        "cast(key_occurrence as " ~ dbt.type_string() ~ ")",
    ]) }} as entry_id,
    -- the auxiliary account is the customer; a line on a receivable account
    -- without one belongs to the account itself
    coalesce(auxiliary_account_number, account_number) as customer_code,
    case
        when auxiliary_account_number is not null then auxiliary_account_label
        else account_label
    end as customer_name,
    piece_reference as document_number,
    document_type,
    posting_date_raw as posting_date,
    piece_date_raw as document_date,
    -- the FEC has no due date; an extra due-date column wins when the
    -- software adds one, else stg_ledger__entries applies the payment terms
    due_date_raw as due_date,
    debit_raw as debit,
    credit_raw as credit,
    currency_raw as currency,
    -- Montantdevise is unsigned in the FEC: it takes the side of the line
    case
        when
            amount < 0
            and amount_currency_raw is not null
            and substr(amount_currency_raw, 1, 1) not in ('-', '+')
            then {{ dbt.concat(["'-'", 'amount_currency_raw']) }}
        else amount_currency_raw
    end as amount_currency,
    lettering_code,
    lettering_date_raw as lettering_date,
    entry_label as reference,
    source_file,
    source_row_number,
    file_name_date,
    encoding_error_column,
    structure_error,
    loaded_at
from numbered
