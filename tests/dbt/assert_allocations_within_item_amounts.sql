{#- Lettering never settles more than an item is worth: the allocations of a
    debit never exceed its amount, those of a credit never exceed its
    absolute amount, and each item's allocations add up to what its
    settlement says was settled. -#}
with

settlements as (
    select * from {{ ref('int_lettering__item_settlements') }}
),

allocations as (
    select * from {{ ref('int_lettering__allocations') }}
),

allocated as (
    select
        company_code,
        debit_entry_id as entry_id,
        sum(allocated_amount) as allocated_amount
    from allocations
    group by company_code, debit_entry_id
    union all
    select
        company_code,
        credit_entry_id as entry_id,
        sum(allocated_amount) as allocated_amount
    from allocations
    group by company_code, credit_entry_id
)

select
    settlements.company_code,
    settlements.entry_id,
    settlements.amount,
    settlements.settled_size,
    allocated.allocated_amount
from settlements
left join allocated
    on
        settlements.company_code = allocated.company_code
        and settlements.entry_id = allocated.entry_id
where
    coalesce(allocated.allocated_amount, 0) > abs(settlements.amount)
    or coalesce(allocated.allocated_amount, 0) <> settlements.settled_size
