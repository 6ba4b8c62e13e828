{#- The age buckets of the `age_bucket_bounds` var, with their sort order,
    day range, FR / EN labels and a colour for charts (green when not due,
    through amber, to red for the oldest; grey for unapplied credits). -#}
{%- set buckets = ar_age_buckets() %}
{%- set overdue_colours = ['#f6c85f', '#f39c4a', '#e8743b', '#d9534f', '#b03a2e', '#7b241c', '#4a1410'] %}

with

labels as (
    select * from {{ ref('ar_age_bucket_labels') }}
),

buckets as (
    {%- for b in buckets %}
    select
        '{{ b.code }}' as age_bucket,
        {{ b.order }} as age_bucket_order,
        '{{ b.kind }}' as bucket_kind,
        {{ b.lo if b.lo is not none else 'null' }} as min_days_past_due,
        {{ b.hi if b.hi is not none else 'null' }} as max_days_past_due,
        {%- if b.kind == 'not_due' %}
        '#5cb85c' as colour_hex
        {%- elif b.kind == 'unapplied' %}
        '#9e9e9e' as colour_hex
        {%- else %}
        '{{ overdue_colours[[loop.index - 2, overdue_colours | length - 1] | min] }}' as colour_hex
        {%- endif %}
    {{ 'union all' if not loop.last }}
    {%- endfor %}
)

select
    cast(buckets.age_bucket as {{ dbt.type_string() }}) as age_bucket,
    cast(buckets.age_bucket_order as integer) as age_bucket_order,
    cast(buckets.bucket_kind as {{ dbt.type_string() }}) as bucket_kind,
    cast(buckets.min_days_past_due as integer) as min_days_past_due,
    cast(buckets.max_days_past_due as integer) as max_days_past_due,
    cast({{ ar_age_bucket_label('labels.label_fr_template') }} as {{ dbt.type_string() }}) as label_fr,
    cast({{ ar_age_bucket_label('labels.label_en_template') }} as {{ dbt.type_string() }}) as label_en,
    buckets.bucket_kind in ('overdue_range', 'overdue_over') as is_overdue,
    cast(buckets.colour_hex as {{ dbt.type_string() }}) as colour_hex
from buckets
inner join labels
    on buckets.bucket_kind = labels.bucket_kind
