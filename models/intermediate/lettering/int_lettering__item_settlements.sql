{#- How each lettered item is settled from its group's effective date on.

    A balanced group closes all its items. An unbalanced one settles first in,
    first out: the group's credits, in (posting_date, entry_id) order, pay off
    its debits in (due_date, posting_date, entry_id) order; what is left stays
    open on the last debits (group sum > 0) or the last credits (sum < 0).

    Each side is a queue: an item occupies [queue_start, queue_start + size)
    of its side's running total, and the other side's total pays the queue
    from its start. The same positions give the pairwise allocations. -#}
with

entries as (
    select * from {{ ref('stg_ledger__entries') }}
    where lettering_code is not null
),

groups as (
    select * from {{ ref('int_lettering__groups') }}
),

queued as (
    select
        entries.company_code,
        entries.customer_code,
        entries.lettering_code,
        entries.entry_id,
        entries.item_side,
        entries.posting_date,
        entries.due_date,
        entries.amount,
        abs(entries.amount) as item_size,
        groups.effective_date,
        groups.settlement_kind,
        -- what the other side of the group brings to pay this side's queue
        case
            when entries.item_side = 'debit' then groups.credit_total
            when entries.item_side = 'credit' then groups.debit_total
            else 0
        end as opposite_total,
        -- typed, so that an empty window (the queue's first item) is 0.00 on every engine
        cast(coalesce(sum(abs(entries.amount)) over (
            partition by entries.company_code, entries.customer_code, entries.lettering_code, entries.item_side
            order by
                case when entries.item_side = 'debit' then entries.due_date end,
                entries.posting_date,
                {{ ar_bytewise('entries.entry_id') }}
            rows between unbounded preceding and 1 preceding
        ), 0) as decimal(18, 2)) as queue_start
    from entries
    inner join groups
        on
            entries.company_code = groups.company_code
            and entries.customer_code = groups.customer_code
            and entries.lettering_code = groups.lettering_code
),

settled as (
    select
        *,
        case
            when item_side = 'zero' then 0
            else least(item_size, greatest(0, opposite_total - queue_start))
        end as settled_size
    from queued
)

select
    company_code,
    customer_code,
    lettering_code,
    entry_id,
    item_side,
    posting_date,
    due_date,
    amount,
    effective_date,
    settlement_kind,
    queue_start,
    -- amounts keep the ledger's two decimals on every engine (PostgreSQL's
    -- numeric arithmetic and Spark's decimal rules would each pick their own)
    cast(queue_start + item_size as decimal(18, 2)) as queue_end,
    cast(settled_size as decimal(18, 2)) as settled_size,
    -- the signed amount still open once the group has taken effect
    cast(
        case
            when item_side = 'debit' then amount - settled_size
            when item_side = 'credit' then amount + settled_size
            else 0
        end as decimal(18, 2)
    ) as residual_amount
from settled
