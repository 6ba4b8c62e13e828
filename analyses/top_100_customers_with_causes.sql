-- The top 100 customers of each company with what blocks their collection and their credit room.
select
    company_code,
    rank,
    customer_code,
    customer_name,
    collector,
    balance,
    overdue_total,
    outstanding_dunning_in_progress,
    outstanding_arbitration_required,
    outstanding_payment_promised,
    outstanding_cause_dispute,
    outstanding_cause_invoice_label_error,
    outstanding_cause_invoice_not_received,
    outstanding_cause_order_contract_mismatch,
    outstanding_cause_awaiting_credit_note,
    outstanding_cause_other,
    credit_limit,
    available_credit,
    is_over_limit
from {{ ref('fct_ar_top_customers') }}
order by company_code, rank
