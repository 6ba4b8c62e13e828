{#- The payment ratings of DEFINITIONS §14, from the `payment_rating_bounds`
    var ([5, 15, 30]): A when the weighted days late are <= the first bound,
    B <= the second, C <= the third, D above, `unrated` when there is nothing
    to rate. Returns a list of dicts: code, order, lo (exclusive), hi
    (inclusive; none for the last letter and for unrated), FR / EN labels. -#}
{% macro ar_payment_ratings() -%}
    {%- set bounds = var('payment_rating_bounds') | list -%}
    {%- if bounds | length == 0 or bounds | length > 25 or bounds != bounds | sort
          or bounds | unique | list | length != bounds | length or bounds[0] < 0 -%}
        {{ exceptions.raise_compiler_error("var payment_rating_bounds must be increasing day counts >= 0, got " ~ bounds) }}
    {%- endif -%}
    {%- set letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' -%}
    {%- set ratings = [] -%}
    {%- for i in range(bounds | length + 1) -%}
        {%- set lo = bounds[i - 1] if i > 0 else none -%}
        {%- set hi = bounds[i] if i < bounds | length else none -%}
        {%- if lo is none -%}
            {%- set fr = letters[i] ~ ' : retard pondéré de ' ~ hi ~ ' j au plus' -%}
            {%- set en = letters[i] ~ ': up to ' ~ hi ~ ' days late (weighted)' -%}
        {%- elif hi is none -%}
            {%- set fr = letters[i] ~ ' : retard pondéré de plus de ' ~ lo ~ ' j' -%}
            {%- set en = letters[i] ~ ': over ' ~ lo ~ ' days late (weighted)' -%}
        {%- else -%}
            {%- set fr = letters[i] ~ ' : retard pondéré de plus de ' ~ lo ~ ' j, ' ~ hi ~ ' j au plus' -%}
            {%- set en = letters[i] ~ ': over ' ~ lo ~ ', up to ' ~ hi ~ ' days late (weighted)' -%}
        {%- endif -%}
        {%- do ratings.append({'code': letters[i], 'order': i + 1, 'lo': lo, 'hi': hi,
                               'label_fr': fr, 'label_en': en}) -%}
    {%- endfor -%}
    {%- do ratings.append({'code': 'unrated', 'order': bounds | length + 2, 'lo': none, 'hi': none,
                           'label_fr': 'Non noté', 'label_en': 'Unrated'}) -%}
    {{ return(ratings) }}
{%- endmacro %}

{#- The rating of a weighted days late given as its two sums (sum of amount
    x days late, sum of amount), compared without dividing: "<= 5 days" is
    sum(amount x days late) <= 5 x sum(amount), so exactly 5 is A on every
    engine, whatever the division's rounding. -#}
{% macro ar_payment_rating(late_amount_days, amount) -%}
    {%- set ratings = ar_payment_ratings() %}
    case
        when {{ amount }} is null or {{ amount }} = 0 then 'unrated'
        {%- for r in ratings if r.hi is not none %}
        when {{ late_amount_days }} <= {{ r.hi }} * {{ amount }} then '{{ r.code }}'
        {%- endfor %}
        else '{{ (ratings | selectattr("code", "ne", "unrated") | list | last).code }}'
    end
{%- endmacro %}

{#- An attribute ('order', 'label_fr', 'label_en') of a rating code -#}
{% macro ar_payment_rating_attribute(rating, attribute) -%}
    {%- set quote = "" if attribute == 'order' else "'" %}
    case {{ rating }}
        {%- for r in ar_payment_ratings() %}
        when '{{ r.code }}' then {{ quote }}{{ r[attribute] }}{{ quote }}
        {%- endfor %}
    end
{%- endmacro %}
