{#- The AR sub-ledger, one row per (company_code, entry_id): valid lines only,
    re-deliveries resolved, amounts signed, due dates completed. -#}
{{ config(materialized='table') }}

with

lines as (
    select * from {{ ref('stg_ledger__lines') }}
    where problem_count = 0
),

customers as (
    select * from {{ ref('stg_customers__customers') }}
),

-- A re-delivered line replaces the earlier one: the file with the latest name
-- (byte order), then the last row of that file, wins (DEFINITIONS §1). Most
-- ids are delivered once, so only the repeated ones are ranked.
repeated_ids as (
    select
        company_code,
        entry_id,
        count(*) as delivery_count
    from lines
    group by company_code, entry_id
    having count(*) > 1
),

winning_repeats as (
    select
        company_code,
        entry_id,
        source_file,
        source_row_number,
        delivery_count
    from (
        select
            lines.company_code,
            lines.entry_id,
            lines.source_file,
            lines.source_row_number,
            repeated_ids.delivery_count,
            row_number() over (
                partition by lines.company_code, lines.entry_id
                order by
                    {{ ar_bytewise('lines.source_file') }} desc,
                    lines.source_row_number desc
            ) as delivery_rank
        from lines
        inner join repeated_ids
            on
                lines.company_code = repeated_ids.company_code
                and lines.entry_id = repeated_ids.entry_id
    ) as ranked
    where delivery_rank = 1
),

current_lines as (
    select
        lines.*,
        coalesce(winning_repeats.delivery_count, 1) as delivery_count
    from lines
    left join repeated_ids
        on
            lines.company_code = repeated_ids.company_code
            and lines.entry_id = repeated_ids.entry_id
    left join winning_repeats
        on
            lines.company_code = winning_repeats.company_code
            and lines.entry_id = winning_repeats.entry_id
            and lines.source_file = winning_repeats.source_file
            and lines.source_row_number = winning_repeats.source_row_number
    where
        repeated_ids.entry_id is null
        or winning_repeats.entry_id is not null
),

signed as (
    select
        *,
        coalesce(debit, 0) - coalesce(credit, 0) as amount
    from current_lines
),

-- Payment terms: the customer-master row of the company first, then the row
-- that applies to every company (DEFINITIONS §0), then the default.
with_terms as (
    select
        signed.*,
        coalesce(
            company_customer.payment_terms_days,
            any_company_customer.payment_terms_days
        ) as customer_terms_days
    from signed
    left join customers as company_customer
        on
            signed.company_code = company_customer.company_code
            and signed.customer_code = company_customer.customer_code
    left join customers as any_company_customer
        on
            any_company_customer.company_code is null
            and signed.customer_code = any_company_customer.customer_code
)

select
    company_code,
    entry_id,
    customer_code,
    customer_name,
    document_number,
    document_type,
    document_type_raw,
    posting_date,
    document_date,
    -- A debit item is due on its exported due date, else its document date
    -- (else posting date) plus the payment terms. Credit items are not due.
    case
        when amount <= 0 then null
        when due_date is not null then due_date
        else {{ ar_date_add(
            'day',
            'coalesce(customer_terms_days, ' ~ var('default_payment_terms_days') ~ ')',
            'coalesce(document_date, posting_date)'
        ) }}
    end as due_date,
    due_date as exported_due_date,
    case
        when amount <= 0 then null
        when due_date is not null then 'export'
        when customer_terms_days is not null then 'customer_terms'
        else 'default_terms'
    end as due_date_source,
    coalesce(debit, 0) as debit,
    coalesce(credit, 0) as credit,
    amount,
    case
        when amount > 0 then 'debit'
        when amount < 0 then 'credit'
        else 'zero'
    end as item_side,
    currency,
    amount_currency,
    lettering_code,
    lettering_date,
    reference,
    delivery_count,
    source_name,
    source_file,
    source_row_number,
    loaded_at
from with_terms
