{#- The measures of the collection marts (docs/definitions/07-collection-rate.md), typed, common to
    fct_ar_collection_monthly and its by-customer-group twin so that the two
    never drift: the rates are recomputed from the summed amounts, never
    averaged. Expects the summed columns of int_collection__monthly_items. -#}
{% macro ar_collection_measures() -%}
    cast(overdue_at_start as decimal(18, 2)) as overdue_at_start,
    cast(falling_due_in_month as decimal(18, 2)) as falling_due_in_month,
    cast(amount_to_collect as decimal(18, 2)) as amount_to_collect,
    cast(amount_collected as decimal(18, 2)) as amount_collected,
    cast({{ ar_rate('amount_collected', 'amount_to_collect') }} as decimal(18, 6)) as collection_rate,
    cast(amount_to_collect - amount_collected as decimal(18, 2)) as remaining_to_collect,
    cast(target_item_count as integer) as target_item_count,
    cast(unapplied_payments_base as decimal(18, 2)) as unapplied_payments_base,
    cast(unapplied_payments_lettered as decimal(18, 2)) as unapplied_payments_lettered,
    cast(
        {{ ar_rate('unapplied_payments_lettered', 'unapplied_payments_base') }} as decimal(18, 6)
    ) as unapplied_lettering_rate,
    cast(unapplied_payment_count as integer) as unapplied_payment_count
{%- endmacro %}
