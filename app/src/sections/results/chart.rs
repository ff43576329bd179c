//! A trend as a chart the server draws, in SVG: readable on a phone, the
//! reference band shaded, values out of range drawn as a different shape
//! (not only another colour). Only the server draws it: pages are
//! rendered there.

use super::{Mark, TrendView};
use crate::domain::request::day_text;
use crate::domain::Decimal;
use crate::i18n::{td_string, Locale};
use chrono::NaiveDate;

/// The chart's size in its own units; it scales to the page's width.
const WIDTH: f64 = 360.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 46.0;
const RIGHT: f64 = 14.0;
const TOP: f64 = 18.0;
const BOTTOM: f64 = 34.0;

/// A number for an axis, with `decimals` digits after the mark.
fn axis_number(value: f64, decimals: usize, locale: Locale) -> String {
    let text = format!("{value:.decimals$}");
    match locale {
        Locale::ru => text.replace('.', ","),
        Locale::en => text,
    }
}

/// The chart as SVG markup (drawn on the server, which renders pages): the reference band, the line through the
/// values, each value a dot (a diamond when out of range), the axes'
/// numbers and dates. `None` with fewer than two values.
pub fn chart_svg(trend: &TrendView, locale: Locale) -> Option<String> {
    let values: Vec<(NaiveDate, f64, Option<Mark>)> = trend
        .points
        .iter()
        .filter_map(|p| Decimal::parse(&p.value).map(|d| (p.day, d.approximate(), p.mark)))
        .collect();
    if values.len() < 2 {
        return None;
    }
    let decimals = trend
        .points
        .iter()
        .map(|p| p.value.split_once(['.', ',']).map_or(0, |(_, f)| f.len()))
        .max()
        .unwrap_or(0)
        .min(3);
    let low = trend
        .low
        .as_deref()
        .and_then(Decimal::parse)
        .map(Decimal::approximate);
    let high = trend
        .high
        .as_deref()
        .and_then(Decimal::parse)
        .map(Decimal::approximate);
    let all = values.iter().map(|v| v.1).chain(low).chain(high);
    let (mut min, mut max) = all.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let pad = if max > min {
        (max - min) * 0.12
    } else {
        min.abs().max(1.0) * 0.1
    };
    min -= pad;
    max += pad;
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let y_of = |v: f64| TOP + (max - v) / (max - min) * plot_h;
    let first = values[0].0;
    let span = (values[values.len() - 1].0 - first).num_days().max(0);
    let x_of = |i: usize, day: NaiveDate| {
        if span == 0 {
            #[allow(clippy::cast_precision_loss)]
            let step = plot_w / (values.len() - 1) as f64;
            #[allow(clippy::cast_precision_loss)]
            let x = LEFT + step * i as f64;
            x
        } else {
            #[allow(clippy::cast_precision_loss)]
            let x = LEFT + (day - first).num_days() as f64 / span as f64 * plot_w;
            x
        }
    };
    let title = crate::pages::escape_html(&crate::texts::fill(
        td_string!(locale, results.chart_title),
        &[
            ("name", &trend.name),
            ("count", &values.len().to_string()),
            ("from", &day_text(first, locale)),
            ("until", &day_text(values[values.len() - 1].0, locale)),
        ],
    ));
    let mut svg = format!(
        "<svg class=\"trend-chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" \
         aria-labelledby=\"trend-chart-title\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"trend-chart-title\">{title}</title>"
    );
    // The reference band.
    if low.is_some() || high.is_some() {
        let top = high.map_or(TOP, y_of);
        let bottom = low.map_or(TOP + plot_h, y_of);
        svg.push_str(&format!(
            "<rect class=\"band\" fill=\"#d9efe0\" x=\"{LEFT}\" y=\"{top:.1}\" width=\"{plot_w}\" height=\"{:.1}\"/>",
            (bottom - top).max(0.0)
        ));
    }
    // The value axis: four numbers and their lines.
    for i in 0..4 {
        let v = min + (max - min) * f64::from(i) / 3.0;
        let y = y_of(v);
        svg.push_str(&format!(
            "<line class=\"grid\" stroke=\"#d5dce1\" x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\"/>\
             <text class=\"axis\" fill=\"#4f5b66\" font-size=\"11\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            WIDTH - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            axis_number(v, decimals, locale)
        ));
    }
    // The line, then the values.
    let points: Vec<(f64, f64, Option<Mark>)> = values
        .iter()
        .enumerate()
        .map(|(i, (day, v, mark))| (x_of(i, *day), y_of(*v), *mark))
        .collect();
    let line: Vec<String> = points
        .iter()
        .map(|(x, y, _)| format!("{x:.1},{y:.1}"))
        .collect();
    svg.push_str(&format!(
        "<polyline class=\"line\" fill=\"none\" stroke=\"#0b5c7a\" stroke-width=\"2\" points=\"{}\"/>",
        line.join(" ")
    ));
    for (x, y, mark) in &points {
        match mark {
            None => svg.push_str(&format!("<circle class=\"dot\" fill=\"#0b5c7a\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4\"/>")),
            Some(_) => svg.push_str(&format!(
                "<path class=\"dot out\" fill=\"#b3261e\" d=\"M{x:.1} {:.1} L{:.1} {y:.1} L{x:.1} {:.1} L{:.1} {y:.1} Z\"/>",
                y - 6.5,
                x + 6.5,
                y + 6.5,
                x - 6.5
            )),
        }
    }
    // The dates: the first and the last, and between them when few.
    let labelled: Vec<usize> = if values.len() <= 4 {
        (0..values.len()).collect()
    } else {
        vec![0, values.len() - 1]
    };
    for i in labelled {
        let (x, _, _) = points[i];
        let anchor = if i == 0 {
            "start"
        } else if i == values.len() - 1 {
            "end"
        } else {
            "middle"
        };
        svg.push_str(&format!(
            "<text class=\"axis\" fill=\"#4f5b66\" font-size=\"11\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{}</text>",
            HEIGHT - 10.0,
            values[i].0.format("%d.%m.%y")
        ));
    }
    svg.push_str("</svg>");
    Some(svg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sections::results::trend::TrendPoint;
    use crate::sections::results::Mark;
    use chrono::NaiveDate;

    fn trend(values: &[(&str, &str)]) -> TrendView {
        TrendView {
            code: "HGB".into(),
            name: "Гемоглобин <b>".into(),
            unit: Some("г/л".into()),
            low: Some("120".into()),
            high: Some("160".into()),
            points: values
                .iter()
                .enumerate()
                .map(|(i, (day, value))| TrendPoint {
                    order_id: i64::try_from(i).unwrap(),
                    day: NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap(),
                    value: (*value).into(),
                    mark: Mark::of(None, Some(value), Some("120"), Some("160")),
                })
                .collect(),
        }
    }

    #[test]
    fn a_chart_draws_each_value_and_marks_those_out_of_range_by_shape() {
        let svg = chart_svg(
            &trend(&[
                ("2026-01-10", "130"),
                ("2026-05-10", "118"),
                ("2026-11-03", "141.5"),
            ]),
            Locale::ru,
        )
        .unwrap();
        assert_eq!(svg.matches("<circle").count(), 2);
        assert_eq!(svg.matches("class=\"dot out\"").count(), 1);
        assert!(svg.contains("class=\"band\""));
        assert!(svg.contains("Гемоглобин &lt;b&gt;"), "the name is escaped");
        assert!(svg.contains("03.11.26"));
        // Later values are further right: the dates set the spacing.
        let xs: Vec<f64> = svg
            .split("class=\"line\" fill=\"none\" stroke=\"#0b5c7a\" stroke-width=\"2\" points=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .split(' ')
            .map(|p| p.split(',').next().unwrap().parse().unwrap())
            .collect();
        assert!(xs.windows(2).all(|w| w[0] < w[1]), "{xs:?}");
    }

    #[test]
    fn one_value_makes_no_chart() {
        assert_eq!(
            chart_svg(&trend(&[("2026-01-10", "130")]), Locale::en),
            None
        );
    }
}
