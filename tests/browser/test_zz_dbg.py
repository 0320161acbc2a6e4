from tests.browser.conftest import assert_no_axe_violations, WCAG_TAGS

def test_axe_catches(page, axe):
    page.goto("/inloggen/")
    assert axe() == []
    print("rules", page.evaluate("""async (tags) => { const r = await axe.run(document, {runOnly:{type:'tag',values:tags}}); return [r.passes.map(x=>x.id), r.incomplete.map(x=>x.id), r.testEngine.version]; }""", WCAG_TAGS))
    page.evaluate("""() => { const i = document.createElement('img'); i.src='data:,'; document.querySelector('main').append(i);
      const p = document.createElement('p'); p.textContent='low'; p.style.color='#ddd'; document.querySelector('main').append(p); }""")
    assert_no_axe_violations(axe(), "demo")
