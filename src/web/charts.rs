//! Bar charts drawn as inline SVG on the server (no JavaScript): grouped vertical bars with a
//! legend, a `<title>` per bar for screen readers and tooltips, and a scale that fits a phone.
//! The table printed under each chart carries the same figures. Pure.

use std::fmt::Write;

use crate::draft::render::escape_html;

/// One series of a chart: its name and one value per category (`None`: no data).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// A chart to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart<'a> {
    /// Unique in the page (used for `aria-labelledby`).
    pub id: &'a str,
    pub title: &'a str,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    /// The top of the scale; the largest value when `None`.
    pub max: Option<f64>,
    /// Appended to values in labels (`" %"`, `""`).
    pub unit: &'a str,
}

/// Colours with at least 4.5:1 contrast on white, distinguishable by most colour-blind readers.
const PALETTE: [&str; 6] = [
    "#1d4f91", "#b23a00", "#2e6b30", "#6b3fa0", "#8a6100", "#37474f",
];

const WIDTH: f64 = 640.0;
const PLOT_TOP: f64 = 16.0;
const PLOT_HEIGHT: f64 = 200.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 8.0;

pub use crate::indicators::render::number;

/// A "nice" top for the scale, whose quarters (the grid lines) read well: a multiple of 4 up to
/// 20, then 1, 2, 4 or 10 times a power of ten.
fn nice_max(value: f64) -> f64 {
    if value <= 0.0 {
        return 4.0;
    }
    if value <= 20.0 {
        return 4.0 * (value / 4.0).ceil();
    }
    let power = 10_f64.powf(value.log10().floor());
    [1.0, 2.0, 4.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|m| *m >= value)
        .unwrap_or(10.0 * power)
}

impl BarChart<'_> {
    /// The SVG element.
    pub fn svg(&self) -> String {
        let largest = self
            .series
            .iter()
            .flat_map(|s| s.values.iter().flatten())
            .fold(0.0_f64, |a, b| a.max(*b));
        let max = self.max.unwrap_or_else(|| nice_max(largest));
        let legend_rows = if self.series.len() > 1 {
            self.series.len().div_ceil(3)
        } else {
            0
        };
        let axis_y = PLOT_TOP + PLOT_HEIGHT;
        let height = axis_y + 40.0 + 20.0 * legend_rows as f64;
        let mut s = String::new();
        let id = escape_html(self.id);
        let _ = write!(
            s,
            "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" role=\"img\" \
             aria-labelledby=\"{id}-title\" xmlns=\"http://www.w3.org/2000/svg\" \
             font-family=\"system-ui, sans-serif\" font-size=\"12\">\
             <title id=\"{id}-title\">{}</title>",
            escape_html(self.title)
        );
        // Horizontal grid: 0, ¼, ½, ¾, max.
        for i in 0..=4 {
            let v = max * f64::from(i) / 4.0;
            let y = axis_y - PLOT_HEIGHT * f64::from(i) / 4.0;
            let _ = write!(
                s,
                "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#d0d0d0\"/>\
                 <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#333\">{}{}</text>",
                WIDTH - RIGHT,
                LEFT - 4.0,
                y + 4.0,
                number(v),
                escape_html(self.unit.trim())
            );
        }
        let n = self.categories.len().max(1) as f64;
        let group = (WIDTH - LEFT - RIGHT) / n;
        let bars = self.series.len().max(1) as f64;
        let bar = (group * 0.8 / bars).max(1.0);
        for (c, category) in self.categories.iter().enumerate() {
            let x0 = LEFT + group * c as f64 + group * 0.1;
            for (k, series) in self.series.iter().enumerate() {
                let Some(value) = series.values.get(c).copied().flatten() else {
                    continue;
                };
                let h = (value / max).clamp(0.0, 1.0) * PLOT_HEIGHT;
                let _ = write!(
                    s,
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"{}\">\
                     <title>{} — {} : {}{}</title></rect>",
                    x0 + bar * k as f64,
                    axis_y - h,
                    (bar - 1.0).max(1.0),
                    PALETTE[k % PALETTE.len()],
                    escape_html(category),
                    escape_html(&series.name),
                    number(value),
                    escape_html(self.unit)
                );
            }
            let _ = write!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#333\">{}</text>",
                x0 + group * 0.4,
                axis_y + 16.0,
                escape_html(category)
            );
        }
        let _ = write!(
            s,
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{axis_y}\" y2=\"{axis_y}\" stroke=\"#333\"/>",
            WIDTH - RIGHT
        );
        if legend_rows > 0 {
            for (k, series) in self.series.iter().enumerate() {
                let x = LEFT + 200.0 * (k % 3) as f64;
                let y = axis_y + 36.0 + 20.0 * (k / 3) as f64;
                let _ = write!(
                    s,
                    "<rect x=\"{x}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{}\"/>\
                     <text x=\"{}\" y=\"{y:.1}\" fill=\"#222\">{}</text>",
                    y - 10.0,
                    PALETTE[k % PALETTE.len()],
                    x + 16.0,
                    escape_html(&series.name)
                );
            }
        }
        s.push_str("</svg>");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_maximum_and_escape_labels() {
        let chart = BarChart {
            id: "c",
            title: "Volume <test>",
            categories: vec!["mail".into(), "chat".into()],
            series: vec![Series {
                name: "reçues".into(),
                values: vec![Some(10.0), Some(5.0)],
            }],
            max: None,
            unit: "",
        };
        let svg = chart.svg();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("Volume &lt;test&gt;"));
        // The scale tops at 12: bars of 10 and 5 are 10/12 and 5/12 of the plot.
        assert!(svg.contains("height=\"166.7\""), "{svg}");
        assert!(svg.contains("height=\"83.3\""), "{svg}");
        assert!(svg.contains("mail — reçues : 10"));
    }

    #[test]
    fn nice_scale_and_french_numbers() {
        assert_eq!(nice_max(5.0), 8.0);
        assert_eq!(nice_max(13.0), 16.0);
        assert_eq!(nice_max(24.0), 40.0);
        assert_eq!(nice_max(130.0), 200.0);
        assert_eq!(nice_max(0.0), 4.0);
        assert_eq!(number(82.5), "82,5");
        assert_eq!(number(100.0), "100");
    }
}
