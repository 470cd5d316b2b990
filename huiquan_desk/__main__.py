from huiquan_desk.cli import main

raise SystemExit(main())
