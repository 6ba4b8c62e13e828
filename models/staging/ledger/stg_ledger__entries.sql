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

-- A re-delivered line replaces the earlier one (docs/definitions/01-ledger-items.md): current_lines
{{ ar_latest_delivery_ctes('lines', ['company_code', 'entry_id'], 'current_lines') }},

signed as (
    select
        *,
        coalesce(debit, 0) - coalesce(credit, 0) as amount
    from current_lines
),

-- Payment terms: the customer-master row of the company first, then the row
-- that applies to every company (docs/definitions/00-conventions.md), then the default.
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
