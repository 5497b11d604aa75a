use amends_coach::{Coach, Purpose};
fn main() {
    let coach = Coach::english();
    let s = "Dear Mrs Patel, thank you for taking the time to write to us about your order. I am so sorry that your wedding cake arrived damaged; it was our mistake. As I said in my last email, the parcel was sent on time. You should have checked the size guide before ordering. We can't refund the deposit, but we can move your booking to any date you like. Our policy is that we do not refund opened items. We will be in touch soon about the replacement. I guarantee this will never happen again. ";
    let text = s.repeat(25);
    let mut n = 0;
    let n_iter: usize = std::env::var("N").ok().and_then(|v| v.parse().ok()).unwrap_or(3000);
    for _ in 0..n_iter { n += coach.review(&text, Purpose::Other).findings.len(); }
    println!("{n}");
}
